package io.raftj.server;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * Watches what each group of a {@link RaftServer} reads from and writes to its Raft storage: for
 * simulators and tests that check what was acknowledged against what was saved and what survives a
 * crash ({@code raft-simulation} does). Set with {@link RaftServer.Builder#storageObserver}; the
 * default observes nothing.
 *
 * <p>{@link #opened} is called on the thread that creates the group, the others around each write:
 * on the storage executor with a data directory; without one (the log on the heap, nothing survives
 * the process) on the thread that writes, the group's loop thread. Implementations must be quick,
 * must not throw and must not keep the lists or the storage beyond the call.
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
   * entries, a snapshot); for a group without a data directory, it is in the log on the heap.
   */
  default void saved(long groupId, HardState hardState, List<Entry> entries, Snapshot snapshot) {}
}
