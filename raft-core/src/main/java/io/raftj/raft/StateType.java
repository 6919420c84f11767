package io.raftj.raft;

/**
 * The role of a node: follower, candidate, leader or pre-candidate. Mirrors {@code StateType} in
 * etcd's {@code raft.go}; {@link #toString()} gives etcd's spelling ({@code "StateFollower"}),
 * which appears in logs, describe output and Status JSON.
 */
public enum StateType {
  /** Follows a leader, or waits for one. */
  STATE_FOLLOWER("StateFollower"),
  /** Campaigns for leadership in a new term. */
  STATE_CANDIDATE("StateCandidate"),
  /** Leads the current term. */
  STATE_LEADER("StateLeader"),
  /** Asks whether it could win before campaigning (Pre-Vote, thesis §9.6). */
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
