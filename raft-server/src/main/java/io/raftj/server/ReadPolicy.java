package io.raftj.server;

/** How {@link RaftGroup#read} makes sure its answer is fresh enough. */
public enum ReadPolicy {
  /**
   * Linearizable through ReadIndex (Raft thesis §6.4): the leader confirms it still leads with a
   * heartbeat round, and the query runs once this member has applied up to the leader's commit
   * index at that moment. All reads waiting when a loop turn starts share one round.
   */
  LINEARIZABLE,

  /**
   * Linearizable if clocks drift no more than the election timeout allows: the leader answers from
   * its lease without a heartbeat round (etcd's {@code ReadOnlyLeaseBased}). Allowed only in a
   * group created with {@link GroupOptions#withLeaseReads(boolean)}, which needs check-quorum.
   */
  LEASE,

  /** Serializable: the query runs on this member's applied state at once, possibly stale. */
  LOCAL
}
