package io.raftj.raft;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * A storage that returns entries regardless of the size limit, as some hosts' storages do: raft
 * must still hand out committed entries without a gap (etcd's ignoreSizeHintMemStorage).
 */
final class IgnoreSizeHintStorage implements Storage {
  private final MemoryStorage delegate;

  IgnoreSizeHintStorage(MemoryStorage delegate) {
    this.delegate = delegate;
  }

  @Override
  public InitialState initialState() {
    return delegate.initialState();
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxSize) {
    return delegate.entries(lo, hi, RaftConstants.NO_LIMIT);
  }

  @Override
  public long term(long i) {
    return delegate.term(i);
  }

  @Override
  public long lastIndex() {
    return delegate.lastIndex();
  }

  @Override
  public long firstIndex() {
    return delegate.firstIndex();
  }

  @Override
  public Snapshot snapshot() {
    return delegate.snapshot();
  }
}
