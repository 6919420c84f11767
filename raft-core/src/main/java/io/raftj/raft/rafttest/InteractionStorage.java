package io.raftj.raft.rafttest;

import io.raftj.raft.InitialState;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.Storage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import java.util.function.Supplier;

/**
 * The storage of an interaction-harness node: a {@link MemoryStorage} whose {@link #snapshot()}
 * returns the node's most recent state-machine snapshot (the last entry of its history) rather than
 * the storage's own. Mirrors {@code snapOverrideStorage} in etcd's {@code
 * rafttest/interaction_env_handler_add_nodes.go}.
 */
final class InteractionStorage implements Storage {

  private final MemoryStorage memory = new MemoryStorage();
  private final Supplier<Snapshot> snapshotOverride;

  InteractionStorage(Supplier<Snapshot> snapshotOverride) {
    this.snapshotOverride = snapshotOverride;
  }

  MemoryStorage memory() {
    return memory;
  }

  @Override
  public InitialState initialState() {
    return memory.initialState();
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxSize) {
    return memory.entries(lo, hi, maxSize);
  }

  @Override
  public long term(long i) {
    return memory.term(i);
  }

  @Override
  public long lastIndex() {
    return memory.lastIndex();
  }

  @Override
  public long firstIndex() {
    return memory.firstIndex();
  }

  @Override
  public Snapshot snapshot() {
    return snapshotOverride.get();
  }
}
