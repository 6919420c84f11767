package io.raftj.raft.quorum;

/**
 * The outcome of a vote. Mirrors {@code VoteResult} in etcd's {@code quorum/quorum.go}; {@link
 * #toString()} gives etcd's names ({@code VotePending}, {@code VoteLost}, {@code VoteWon}), which
 * appear in test output.
 */
public enum VoteResult {
  /** Neither "yes" nor "no" has reached a quorum yet: the outcome depends on future votes. */
  VOTE_PENDING("VotePending"),
  /** A quorum has voted "no" (or can no longer vote "yes"). */
  VOTE_LOST("VoteLost"),
  /** A quorum has voted "yes". */
  VOTE_WON("VoteWon");

  private final String etcdName;

  VoteResult(String etcdName) {
    this.etcdName = etcdName;
  }

  @Override
  public String toString() {
    return etcdName;
  }
}
