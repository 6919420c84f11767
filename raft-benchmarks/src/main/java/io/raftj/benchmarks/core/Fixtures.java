package io.raftj.benchmarks.core;

import io.raftj.raft.Config;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.RaftLogger;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;

/**
 * The storage and configuration the core benchmarks start from, as etcd's benchmarks get them from
 * {@code newTestMemoryStorage(withPeers(...))} and {@code newTestConfig} (raft_test.go).
 */
final class Fixtures {

  private Fixtures() {}

  /** A MemoryStorage whose snapshot names {@code voters} as the configuration. */
  static MemoryStorage storageWithVoters(int voters) {
    MemoryStorage storage = new MemoryStorage(RaftLogger.discard());
    ConfState.Builder cs = ConfState.newBuilder();
    for (int id = 1; id <= voters; id++) {
      cs.addVoters(id);
    }
    storage.applySnapshot(
        Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setConfState(cs)).build());
    return storage;
  }

  /**
   * Election tick 10, heartbeat tick 1, no message size limit, 256 messages in flight, no logging.
   */
  static Config config(long id, MemoryStorage storage) {
    return new Config()
        .setId(id)
        .setElectionTick(10)
        .setHeartbeatTick(1)
        .setStorage(storage)
        .setMaxSizePerMsg(RaftConstants.NO_LIMIT)
        .setMaxInflightMsgs(256)
        .setLogger(RaftLogger.discard());
  }
}
