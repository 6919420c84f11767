package io.raftj.examples.kv.jepsen;

/** A fault the nemesis injects, then heals: kill -9 (then restart) or SIGSTOP (then SIGCONT). */
enum Fault {
  /** SIGKILL one node chosen at random, restart it when healing. */
  KILL_ONE("kill -9 one node"),
  /** SIGKILL the node some member names leader. */
  KILL_LEADER("kill -9 the leader"),
  /** SIGKILL two nodes: no quorum until they restart. */
  KILL_MAJORITY("kill -9 two nodes"),
  /** SIGKILL all three: a whole-cluster crash and recovery from disk. */
  KILL_ALL("kill -9 all nodes"),
  /** SIGSTOP one node chosen at random, SIGCONT when healing. */
  PAUSE_ONE("pause one node"),
  /** SIGSTOP the leader: it wakes up deposed, with requests in flight. */
  PAUSE_LEADER("pause the leader"),
  /** SIGSTOP two nodes. */
  PAUSE_MAJORITY("pause two nodes");

  final String text;

  Fault(String text) {
    this.text = text;
  }

  boolean kills() {
    return this == KILL_ONE || this == KILL_LEADER || this == KILL_MAJORITY || this == KILL_ALL;
  }

  /** How many nodes it hits. */
  int count() {
    return this == KILL_ALL ? 3 : this == KILL_MAJORITY || this == PAUSE_MAJORITY ? 2 : 1;
  }

  boolean targetsLeader() {
    return this == KILL_LEADER || this == PAUSE_LEADER;
  }
}
