package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.storage.DurableStorage;
import java.io.IOException;

/**
 * A {@link GroupLog} in a data directory through {@link DurableStorage}: appends go to the server's
 * {@link StorageStage}, which group-commits what waits and reports back with {@link
 * GroupEvent.Stored}.
 */
final class DurableLog implements GroupLog {

  private final DurableStorage storage;
  private final StorageStage stage;
  private final GroupRunner group;

  DurableLog(DurableStorage storage, StorageStage stage, GroupRunner group) {
    this.storage = storage;
    this.stage = stage;
    this.group = group;
  }

  @Override
  public MemoryStorage memoryStorage() {
    return storage.memoryStorage();
  }

  @Override
  public boolean restart() {
    return storage.isRestart();
  }

  @Override
  public Snapshot snapshotAtStart() {
    return storage.snapshotAtOpen();
  }

  @Override
  public boolean append(Message m) {
    stage.append(group, storage, m);
    return false;
  }

  @Override
  public void snapshot(long index, ConfState confState, ByteString marker, long catchUpEntries) {
    stage.snapshot(group, storage, index, confState, marker);
  }

  @Override
  public void afterWrites(Runnable task) {
    stage.run(group, task, false);
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }
}
