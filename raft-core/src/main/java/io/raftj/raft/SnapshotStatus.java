package io.raftj.raft;

/** The outcome of sending a snapshot, reported with {@code reportSnapshot}. Mirrors etcd's {@code SnapshotStatus} in {@code node.go}. */
public enum SnapshotStatus {
  SNAPSHOT_FINISH,
  SNAPSHOT_FAILURE
}
