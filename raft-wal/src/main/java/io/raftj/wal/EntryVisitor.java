package io.raftj.wal;

import io.raftj.raft.raftpb.Entry;
import java.io.IOException;

/**
 * Receives the log from {@link Wal#replay}, one entry at a time, for a host that rebuilds its own
 * state instead of holding every entry in memory. The calls describe the log exactly as {@link
 * Wal#readAll} would return it: after the last call, the log is every entry appended and not
 * truncated since, in index order.
 */
public interface EntryVisitor {
  /**
   * The next entry after the snapshot. Its index is one above the last entry appended and not
   * truncated (the snapshot's index + 1 for the first). The entry owns its data: keep it freely.
   */
  void append(Entry entry) throws IOException;

  /**
   * Drops every entry appended so far at {@code index} or above: a later leader wrote a conflicting
   * suffix from there. {@code index} is at least the snapshot's index + 1.
   */
  void truncate(long index) throws IOException;
}
