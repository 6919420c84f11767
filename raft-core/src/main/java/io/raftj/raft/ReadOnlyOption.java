package io.raftj.raft;

/** How read-only requests are served. Mirrors {@code ReadOnlyOption} in etcd's {@code raft.go}. */
public enum ReadOnlyOption {
  /** Linearizable reads confirmed by a quorum heartbeat round (the default; Raft thesis §6.4). */
  READ_ONLY_SAFE,
  /**
   * Reads served from the leader's lease, without a heartbeat round; correct only while clocks
   * drift within bounds, and requires check-quorum.
   */
  READ_ONLY_LEASE_BASED
}
