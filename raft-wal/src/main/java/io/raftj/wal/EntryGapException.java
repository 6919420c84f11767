package io.raftj.wal;

import io.raftj.raft.raftpb.Entry;
import java.util.List;

/**
 * An entry's index skips past the entries read so far: etcd's {@code ErrSliceOutOfRange} ("wal:
 * slice bounds out of range"). {@link #entries()} holds the contiguous entries before the gap.
 */
public final class EntryGapException extends WalException {
  private static final long serialVersionUID = 1L;
  private final transient List<Entry> entries;

  /** An entry skips ahead of the one before it; {@code entries} are those read up to the gap. */
  public EntryGapException(String message, List<Entry> entries) {
    super("wal: slice bounds out of range, " + message);
    this.entries = List.copyOf(entries);
  }

  /** The contiguous entries read before the gap. */
  public List<Entry> entries() {
    return entries;
  }
}
