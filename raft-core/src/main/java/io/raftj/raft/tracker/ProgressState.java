package io.raftj.raft.tracker;

/**
 * The state of a follower as tracked by the leader. Mirrors {@code StateType} in etcd's {@code
 * tracker/state.go}; {@link #toString()} gives etcd's spelling ({@code "StateProbe"}), which
 * appears in log lines and test output.
 */
public enum ProgressState {
  /**
   * The follower's last index is unknown: the leader sends at most one append per heartbeat
   * interval to find it. Probing over a long time usually means the follower is offline.
   */
  STATE_PROBE("StateProbe"),
  /**
   * The steady state: the follower eagerly receives entries, pipelined up to the inflight limit.
   */
  STATE_REPLICATE("StateReplicate"),
  /**
   * The follower needs entries the leader no longer has and must receive a snapshot before it can
   * return to {@link #STATE_REPLICATE}.
   */
  STATE_SNAPSHOT("StateSnapshot");

  private final String etcdName;

  ProgressState(String etcdName) {
    this.etcdName = etcdName;
  }

  @Override
  public String toString() {
    return etcdName;
  }
}
