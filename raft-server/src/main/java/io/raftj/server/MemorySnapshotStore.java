package io.raftj.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link SnapshotStore} on the heap, for groups without a data directory. */
final class MemorySnapshotStore implements SnapshotStore {

  /** Snapshots by index; the term is checked on open. */
  private final ConcurrentSkipListMap<Long, Stored> snapshots = new ConcurrentSkipListMap<>();

  private record Stored(long term, byte[] bytes) {}

  @Override
  public Pending create(long term, long index) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return new Pending() {
      @Override
      public OutputStream out() {
        return out;
      }

      @Override
      public long commit() {
        byte[] bytes = out.toByteArray();
        snapshots.put(index, new Stored(term, bytes));
        return bytes.length;
      }

      @Override
      public void abort() {}
    };
  }

  @Override
  public InputStream open(long term, long index) throws NoSuchFileException {
    Stored s = snapshots.get(index);
    if (s == null || s.term != term) {
      throw new NoSuchFileException("no snapshot at term " + term + ", index " + index);
    }
    return new ByteArrayInputStream(s.bytes);
  }

  @Override
  public void deleteBefore(long index) {
    Map<Long, Stored> head = snapshots.headMap(index);
    head.clear();
  }
}
