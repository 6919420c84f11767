package io.raftj.examples.kv;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.server.StorageObserver;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the storage writes that carried entries: each ends with an fsync of the WAL, so the
 * entries saved divided by these writes is the entries per fsync (group commit at work). Called on
 * raft-server's storage thread; read from any thread.
 */
final class SaveCounter implements StorageObserver {

  private final LongAdder entrySaves = new LongAdder();

  @Override
  public void saved(long groupId, HardState hardState, List<Entry> entries, Snapshot snapshot) {
    if (!entries.isEmpty()) {
      entrySaves.increment();
    }
  }

  /** Writes that carried at least one entry (each one fsync). */
  long entrySaves() {
    return entrySaves.sum();
  }
}
