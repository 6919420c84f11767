package io.raftj.raft;

/**
 * Whether a progress visited by {@code RawNode.withProgress} belongs to a voter or a learner.
 * Mirrors {@code ProgressType} in etcd's {@code rawnode.go}.
 */
public enum ProgressType {
  /** A voter. */
  PROGRESS_TYPE_PEER,
  /** A learner: receives the log but does not vote. */
  PROGRESS_TYPE_LEARNER
}
