package io.raftj.raft;

/**
 * The role of a node: follower, candidate, leader or pre-candidate. Mirrors {@code StateType} in
 * etcd's {@code raft.go}; {@link #toString()} gives etcd's spelling ({@code "StateFollower"}),
 * which appears in logs, describe output and Status JSON.
 */
public enum StateType {
  STATE_FOLLOWER("StateFollower"),
  STATE_CANDIDATE("StateCandidate"),
  STATE_LEADER("StateLeader"),
  STATE_PRE_CANDIDATE("StatePreCandidate");

  private final String text;

  StateType(String text) {
    this.text = text;
  }

  @Override
  public String toString() {
    return text;
  }
}
