package io.raftj.raft.tracker;

/**
 * A read-only view of a follower's replication progress as the leader tracks it: what {@code
 * RawNode.status()} and {@code RawNode.withProgress} hand out. Mirrors the exported fields of
 * {@code Progress} in etcd's {@code tracker/progress.go}.
 *
 * <p>{@code toString()} gives etcd's one-line form, e.g. {@code StateReplicate match=5 next=6
 * paused inactive inflight=3[full]}.
 */
public interface ProgressView {

  /** The index up to which the follower's log is known to match the leader's. */
  long match();

  /** The index of the next entry to send to the follower. */
  long next();

  /** The highest commit index sent to the follower. */
  long sentCommit();

  /** The replication state. */
  ProgressState state();

  /** In {@code StateSnapshot}, the index of the snapshot being sent; otherwise 0. */
  long pendingSnapshot();

  /** Whether the follower was heard from recently (reset by the check-quorum sweep). */
  boolean recentActive();

  /** Whether sending appends to the follower is paused until the next heartbeat response. */
  boolean msgAppFlowPaused();

  /** Whether the peer is a learner. */
  boolean isLearner();

  /**
   * Whether sending entries to this follower is throttled: it rejected recent appends, is waiting
   * for a snapshot, or has saturated its inflights.
   */
  boolean isPaused();
}
