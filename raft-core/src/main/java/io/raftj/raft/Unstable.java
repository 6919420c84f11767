package io.raftj.raft;

import io.raftj.raft.Util.EntryView;
import io.raftj.raft.internal.Invariants;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The log entries and snapshot not yet written to {@link Storage}. Mirrors {@code unstable} in
 * etcd's {@code log_unstable.go}.
 *
 * <p>It plays two roles. It holds new entries and an incoming snapshot until they are handed out in
 * a {@code Ready} for persistence; and it keeps holding them while the write is in progress, so
 * that {@link RaftLog} sees them until {@link #stableTo} / {@link #stableSnapTo} report that
 * Storage reflects them. {@link #acceptInProgress} marks what has been handed out, so it is not
 * handed out twice (asynchronous storage writes, etcd v3.7).
 *
 * <p>Entry {@code i} of the unstable log has log position {@code offset + i}. The offset may be
 * below Storage's last index: the next write must then truncate Storage's log first.
 *
 * <p>Invariant: {@code offset <= offsetInProgress <= offset + entryCount()}.
 *
 * <p>Not thread-safe: owned by the thread driving the Raft state machine. Lists returned by {@link
 * #slice}, {@link #nextEntries} and {@link #entries} are unmodifiable views that never change
 * afterwards, even as this log is appended to or truncated.
 */
final class Unstable {

  /** Returned by the {@code maybe*} lookups when the unstable log does not know the answer. */
  static final long NOT_FOUND = -1L;

  private static final Entry[] NO_ENTRIES = new Entry[0];

  private final RaftLogger logger;

  /** The incoming snapshot, or null. */
  private @Nullable Snapshot snapshot;

  /*
   * The entries live in buf[start, start + len). Slots past start + len may be written by an
   * append; slots before it never are, because views of them may be in the application's hands
   * (a Go slice with capped capacity). Truncation therefore copies into a new array.
   */
  private Entry[] buf = NO_ENTRIES;
  private int start;
  private int len;

  /** The log position of the first entry. */
  private long offset;

  /** True while the snapshot is being written to storage. */
  private boolean snapshotInProgress;

  /**
   * The entries below this position (exclusive, like {@code offset}) are being written to storage.
   */
  private long offsetInProgress;

  /** An empty unstable log whose first entry will be at {@code offset}. */
  Unstable(long offset, RaftLogger logger) {
    this.offset = offset;
    this.offsetInProgress = offset;
    this.logger = logger;
  }

  /** An unstable log in the given state, for tests. */
  Unstable(
      List<Entry> entries,
      long offset,
      long offsetInProgress,
      Snapshot snapshot,
      boolean snapshotInProgress,
      RaftLogger logger) {
    this.logger = logger;
    this.offset = offset;
    this.offsetInProgress = offsetInProgress;
    this.snapshot = snapshot;
    this.snapshotInProgress = snapshotInProgress;
    this.buf = entries.toArray(NO_ENTRIES);
    this.len = buf.length;
  }

  /** The incoming snapshot, or null if there is none. */
  @Nullable Snapshot snapshot() {
    return snapshot;
  }

  /** All unstable entries, in progress or not. */
  List<Entry> entries() {
    return new EntryView(buf, start, start + len);
  }

  /** The number of unstable entries (Go: {@code len(u.entries)}). */
  int entryCount() {
    return len;
  }

  long offset() {
    return offset;
  }

  long offsetInProgress() {
    return offsetInProgress;
  }

  boolean snapshotInProgress() {
    return snapshotInProgress;
  }

  /**
   * The index of the first possible entry, if there is a snapshot: the index right after it.
   *
   * @return the index, or {@link #NOT_FOUND} without a snapshot
   */
  long maybeFirstIndex() {
    return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : NOT_FOUND;
  }

  /**
   * The index of the last entry, or of the snapshot when there are no entries.
   *
   * @return the index, or {@link #NOT_FOUND} if there are neither entries nor a snapshot
   */
  long maybeLastIndex() {
    if (len != 0) {
      return offset + len - 1;
    }
    return snapshot != null ? snapshot.getMetadata().getIndex() : NOT_FOUND;
  }

  /**
   * The term of the entry at {@code i}, if this log holds it (or {@code i} is the snapshot's
   * index).
   *
   * @return the term, or {@link #NOT_FOUND}
   */
  long maybeTerm(long i) {
    if (i < offset) {
      if (snapshot != null && snapshot.getMetadata().getIndex() == i) {
        return snapshot.getMetadata().getTerm();
      }
      return NOT_FOUND;
    }
    if (i - offset >= len) {
      return NOT_FOUND;
    }
    return buf[start + (int) (i - offset)].getTerm();
  }

  /** The entries not already being written to storage; empty if there are none. */
  List<Entry> nextEntries() {
    int inProgress = (int) (offsetInProgress - offset);
    if (len == inProgress) {
      return List.of();
    }
    return new EntryView(buf, start + inProgress, start + len);
  }

  /** True if {@link #nextEntries} is not empty; does not allocate. */
  boolean hasNextEntries() {
    return len > offsetInProgress - offset;
  }

  /** The snapshot, if there is one not already being written to storage; otherwise null. */
  @Nullable Snapshot nextSnapshot() {
    return snapshotInProgress ? null : snapshot;
  }

  /**
   * Marks all entries and the snapshot as being written to storage: {@link #nextEntries} and {@link
   * #nextSnapshot} stop returning them, but return what is added later.
   */
  void acceptInProgress() {
    if (len > 0) {
      offsetInProgress = buf[start + len - 1].getIndex() + 1;
    }
    if (snapshot != null) {
      snapshotInProgress = true;
    }
  }

  /**
   * Marks the entries up to and including {@code id} as written to stable storage, and drops them.
   * Ignored (with an info line) if the entry is not in this log or has another term: part of the
   * log may have been replaced while the write was in flight.
   *
   * <p>The caller must know the entries cannot be overwritten by an append still in progress.
   */
  void stableTo(EntryId id) {
    stableTo(id.term(), id.index());
  }

  /** {@link #stableTo(EntryId)} with the entry given as its term and index. */
  void stableTo(long term, long index) {
    long gt = maybeTerm(index);
    if (gt == NOT_FOUND) {
      logger.infof("entry at index %d missing from unstable log; ignoring", index);
      return;
    }
    if (index < offset) {
      logger.infof("entry at index %d matched unstable snapshot; ignoring", index);
      return;
    }
    if (gt != term) {
      logger.infof(
          "entry at (index,term)=(%d,%d) mismatched with "
              + "entry at (%d,%d) in unstable log; ignoring",
          index, term, index, gt);
      return;
    }
    int num = (int) (index + 1 - offset);
    start += num;
    len -= num;
    offset = index + 1;
    offsetInProgress = Math.max(offsetInProgress, offset);
    shrinkEntriesArray();
  }

  /*
   * Drops the array when less than half of it is in use, so the log does not pin large entries it
   * no longer needs. Clearing slots instead would not be safe: views may still read them.
   */
  private void shrinkEntriesArray() {
    if (len == 0) {
      buf = NO_ENTRIES;
      start = 0;
    } else if (len * 2 < buf.length - start) {
      Entry[] fresh = new Entry[len];
      System.arraycopy(buf, start, fresh, 0, len);
      buf = fresh;
      start = 0;
    }
  }

  /** Drops the snapshot once it is stable, if it is still the one at index {@code i}. */
  void stableSnapTo(long i) {
    if (snapshot != null && snapshot.getMetadata().getIndex() == i) {
      snapshot = null;
      snapshotInProgress = false;
    }
  }

  /** Replaces the whole unstable log with the snapshot {@code s}. */
  void restore(Snapshot s) {
    offset = s.getMetadata().getIndex() + 1;
    offsetInProgress = offset;
    buf = NO_ENTRIES;
    start = 0;
    len = 0;
    snapshot = s;
    snapshotInProgress = false;
  }

  /**
   * Appends {@code ents} (non-empty, consecutive), first dropping every entry at or after the index
   * of the first of them.
   */
  void truncateAndAppend(List<Entry> ents) {
    long fromIndex = ents.get(0).getIndex();
    if (fromIndex == offset + len) {
      // The entries follow on directly.
      append(ents);
    } else if (fromIndex <= offset) {
      logger.infof("replace the unstable entries from index %d", fromIndex);
      // The log is truncated before the unstable part: replace all of it.
      buf = ents.toArray(NO_ENTRIES);
      start = 0;
      len = buf.length;
      offset = fromIndex;
      offsetInProgress = offset;
    } else {
      logger.infof("truncate the unstable entries before index %d", fromIndex);
      mustCheckOutOfBounds(offset, fromIndex);
      int keep = (int) (fromIndex - offset);
      int n = ents.size();
      // A new array: the dropped slots may be visible through views handed out earlier.
      Entry[] fresh = new Entry[keep + n];
      System.arraycopy(buf, start, fresh, 0, keep);
      copyInto(ents, fresh, keep);
      buf = fresh;
      start = 0;
      len = keep + n;
      // Only the in-progress entries before fromIndex are still in progress.
      offsetInProgress = Math.min(offsetInProgress, fromIndex);
    }
  }

  private void append(List<Entry> ents) {
    int n = ents.size();
    int need = len + n;
    if (start + need > buf.length) {
      Entry[] fresh = new Entry[Math.max(need, len * 2)];
      System.arraycopy(buf, start, fresh, 0, len);
      buf = fresh;
      start = 0;
    }
    copyInto(ents, buf, start + len);
    len = need;
  }

  private static void copyInto(List<Entry> src, Entry[] dst, int at) {
    for (int i = 0, n = src.size(); i < n; i++) {
      dst[at + i] = src.get(i);
    }
  }

  /**
   * Returns the entries in {@code [lo, hi)}, all of which must be in this log. The view shares the
   * entries, which must not be changed.
   *
   * @throws IllegalStateException if the range is inverted or not inside this log
   */
  List<Entry> slice(long lo, long hi) {
    mustCheckOutOfBounds(lo, hi);
    return new EntryView(buf, start + (int) (lo - offset), start + (int) (hi - offset));
  }

  /** Checks {@code offset <= lo <= hi <= offset + len}. */
  private void mustCheckOutOfBounds(long lo, long hi) {
    if (lo > hi) {
      throw Invariants.panic(logger, "invalid unstable.slice %d > %d", lo, hi);
    }
    long upper = offset + len;
    if (lo < offset || hi > upper) {
      throw Invariants.panic(
          logger, "unstable.slice[%d,%d) out of bound [%d,%d]", lo, hi, offset, upper);
    }
  }
}
