package io.raftj.raft;

/**
 * The outcome of sending a snapshot, reported with {@code reportSnapshot}. Mirrors etcd's {@code
 * SnapshotStatus} in {@code node.go}.
 */
public enum SnapshotStatus {
  /** The snapshot reached the follower. */
  SNAPSHOT_FINISH,
  /** Sending the snapshot failed; the follower is probed again. */
  SNAPSHOT_FAILURE
}
