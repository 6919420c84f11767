package io.raftj.server;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * Watches what each group of a {@link RaftServer} with a data directory reads from and writes to
 * its durable Raft storage: for simulators and tests that check what was acknowledged against what
 * survives a crash ({@code raft-simulation} does). Set with {@link
 * RaftServer.Builder#storageObserver}; the default observes nothing.
 *
 * <p>{@link #opened} is called on the thread that creates the group, the others on the storage
 * executor, around each write. Implementations must be quick, must not throw and must not keep the
 * lists or the storage beyond the call.
 */
public interface StorageObserver {

  /** Observes nothing. */
  StorageObserver NONE = new StorageObserver() {};

  /** Group {@code groupId}'s storage was opened holding {@code hardState} and {@code log}. */
  default void opened(long groupId, HardState hardState, MemoryStorage log) {}

  /**
   * A write of {@code hardState} (the default instance if unchanged), {@code entries} and {@code
   * snapshot} (the default instance if none) is about to start.
   */
  default void saving(long groupId, HardState hardState, List<Entry> entries, Snapshot snapshot) {}

  /**
   * That write returned: it is on disk, and durable wherever Raft requires it (a new term or vote,
   * entries, a snapshot).
   */
  default void saved(long groupId, HardState hardState, List<Entry> entries, Snapshot snapshot) {}
}
