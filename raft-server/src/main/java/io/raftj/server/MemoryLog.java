package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.CompactedException;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.SnapOutOfDateException;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;

/** A {@link GroupLog} on the heap: nothing survives the process, writes are done inline. */
final class MemoryLog implements GroupLog {

  private final MemoryStorage storage = new MemoryStorage();

  @Override
  public MemoryStorage memoryStorage() {
    return storage;
  }

  @Override
  public boolean restart() {
    return false;
  }

  @Override
  public Snapshot snapshotAtStart() {
    return Snapshot.getDefaultInstance();
  }

  @Override
  public boolean append(Message m) {
    if (m.hasSnapshot()) {
      storage.applySnapshot(m.getSnapshot());
    }
    if (m.getEntriesCount() > 0) {
      storage.append(m.getEntriesList());
    }
    if (m.getTerm() != 0 || m.getVote() != 0 || m.getCommit() != 0) {
      storage.setHardState(
          HardState.newBuilder()
              .setTerm(m.getTerm())
              .setVote(m.getVote())
              .setCommit(m.getCommit())
              .build());
    }
    return true;
  }

  @Override
  public void snapshot(long index, ConfState confState, ByteString marker, long catchUpEntries) {
    try {
      storage.createSnapshot(index, confState, marker);
    } catch (SnapOutOfDateException e) {
      return; // a newer snapshot arrived from the leader meanwhile
    }
    if (index > catchUpEntries) {
      try {
        storage.compact(index - catchUpEntries);
      } catch (CompactedException e) {
        // Already compacted this far.
      }
    }
  }

  @Override
  public void afterWrites(Runnable task) {
    task.run();
  }

  @Override
  public void close() {}
}
