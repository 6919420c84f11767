package io.raftj.wal;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * One pass over a log from a snapshot position: checks every record (CRC chain, metadata, the
 * snapshot record, gaps) and hands the entries after the snapshot to a visitor as appends and
 * truncations. The loop behind both {@link Wal#readAll} and {@link Wal#replay}.
 */
final class Replay {
  byte[] metadata;
  HardState state = HardState.getDefaultInstance();
  boolean snapshotFound;

  /** Index of the last entry record read, before or after the snapshot; 0 if none. */
  long lastIndex;

  /** A torn tail stopped the pass (a WAL opened for reading tolerates one). */
  TornTailException torn;

  private final Decoder d;
  private final Snapshot start;
  private final EntryReader entryReader;
  private final EntryVisitor visitor;

  /** The entries delivered so far when the visitor keeps them, for {@link EntryGapException}. */
  private final List<Entry> delivered;

  /** How many entries after the snapshot the log holds so far. */
  private long count;

  /**
   * @param visitor receives the entries; null skips them unparsed (verification wants only the
   *     chain, the metadata, the snapshot record and the hard state)
   * @param aliasData whether entry data may be a view of the decoder's chunks (only when the
   *     decoder never reuses them)
   */
  Replay(
      Decoder d, Snapshot start, EntryVisitor visitor, List<Entry> delivered, boolean aliasData) {
    this.d = d;
    this.start = start;
    this.visitor = visitor;
    this.delivered = delivered;
    this.entryReader = new EntryReader(aliasData);
  }

  /** Reads to the end of the log; a torn tail ends it and is kept in {@link #torn}. */
  Replay run() throws IOException {
    try {
      Decoder.Rec rec;
      while ((rec = d.decode()) != null) {
        if (rec.type == Wal.ENTRY_TYPE) {
          if (visitor != null) {
            Entry e = Wal.parseEntry(rec, entryReader, d);
            requireNonNegative(e.getTerm(), e.getIndex(), "entry");
            entry(e);
          }
        } else if (rec.type == Wal.STATE_TYPE) {
          state = Wal.parse(rec, HardState.parser(), d);
          requireNonNegative(state.getTerm(), state.getCommit(), "hard state");
        } else if (rec.type == Wal.METADATA_TYPE) {
          byte[] data = rec.data();
          if (metadata != null && !Arrays.equals(metadata, data)) {
            throw new MetadataConflictException(d.fileName());
          }
          metadata = data;
        } else if (rec.type == Wal.CRC_TYPE) {
          Wal.checkCrcRecord(d, rec);
        } else if (rec.type == Wal.SNAPSHOT_TYPE) {
          Snapshot snap = Wal.parse(rec, Snapshot.parser(), d);
          requireNonNegative(snap.getTerm(), snap.getIndex(), "snapshot");
          if (snap.getIndex() == start.getIndex()) {
            if (snap.getTerm() != start.getTerm()) {
              throw new SnapshotMismatchException(snap.getIndex(), start.getTerm(), snap.getTerm());
            }
            snapshotFound = true;
          }
        } else {
          throw new WalCorruptionException(
              "unexpected block type " + rec.type, d.fileName(), d.lastRecordOffset());
        }
      }
    } catch (TornTailException e) {
      torn = e;
    }
    return this;
  }

  /**
   * Terms and indexes are never negative in raftj (DESIGN: unsigned IDs, non-negative terms and
   * indexes): a record holding one at or above 2^63 is rejected here, where it is decoded, so the
   * comparisons after it can be plain.
   */
  private void requireNonNegative(long term, long index, String what)
      throws WalCorruptionException {
    if (term < 0 || index < 0) {
      throw new WalCorruptionException(
          what
              + " term "
              + Long.toUnsignedString(term)
              + " or index "
              + Long.toUnsignedString(index)
              + " out of range",
          d.fileName(),
          d.lastRecordOffset());
    }
  }

  private void entry(Entry e) throws IOException {
    long index = e.getIndex();
    if (index > start.getIndex()) {
      long offset = index - start.getIndex() - 1;
      if (offset > count) {
        throw new EntryGapException(
            String.format(
                "snapshot[Index: %d, Term: %d], current entry[Index: %d, Term: %d], len(ents): %d",
                start.getIndex(), start.getTerm(), index, e.getTerm(), count),
            delivered);
      }
      if (offset < count) {
        visitor.truncate(index);
      }
      visitor.append(e);
      count = offset + 1;
    } else if (count > 0) {
      // An entry at or before the snapshot still truncates the log after it: entries read so far
      // are all past the snapshot, so they were a conflicting suffix. (etcd keeps them.)
      visitor.truncate(start.getIndex() + 1);
      count = 0;
    }
    lastIndex = index;
  }
}
