package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.CompactedException;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.SnapOutOfDateException;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * A {@link GroupLog} on the heap: nothing survives the process, writes are done inline. A group
 * with this log that applies on its loop thread drives RawNode's synchronous Ready/advance cycle
 * and writes through {@link #save}.
 */
final class MemoryLog implements GroupLog {

  private final MemoryStorage storage = new MemoryStorage();
  private final long groupId;
  private final StorageObserver observer;

  /** An empty log of group {@code groupId}, whose writes {@code observer} watches. */
  MemoryLog(long groupId, StorageObserver observer) {
    this.groupId = groupId;
    this.observer = observer;
    observer.opened(groupId, HardState.getDefaultInstance(), storage);
  }

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
    save(GroupLog.hardStateOf(m), m.getEntriesList(), m.hasSnapshot() ? m.getSnapshot() : null);
    return true;
  }

  /**
   * Writes what a synchronous Ready persists: the snapshot first (if not null), then the entries,
   * then the hard state (unless it is the default instance, meaning unchanged).
   */
  void save(HardState hs, List<Entry> entries, Snapshot snap) {
    if (observer != StorageObserver.NONE) {
      observer.saving(groupId, hs, entries, snap == null ? Snapshot.getDefaultInstance() : snap);
    }
    if (snap != null) {
      storage.applySnapshot(snap);
    }
    if (!entries.isEmpty()) {
      storage.append(entries);
    }
    if (!Util.isEmptyHardState(hs)) {
      storage.setHardState(hs);
    }
    if (observer != StorageObserver.NONE) {
      observer.saved(groupId, hs, entries, snap == null ? Snapshot.getDefaultInstance() : snap);
    }
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
