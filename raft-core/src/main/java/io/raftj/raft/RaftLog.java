package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.internal.Invariants;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Raft log as the state machine sees it: the stable entries in {@link Storage} followed by the
 * {@link Unstable} ones, with the commit and apply positions. Mirrors {@code raftLog} in etcd's
 * {@code log.go}.
 *
 * <p>Invariant: {@code applied <= applying <= committed <= lastIndex()}.
 *
 * <p>Applying is paced: the entries handed out by {@link #nextCommittedEnts} and not yet
 * acknowledged by {@link #appliedTo} may total at most {@code maxApplyingEntsSize} encoded bytes
 * (etcd's {@code MaxCommittedSizePerReady}). Sizes are unsigned, as Go's {@code uint64}.
 *
 * <p>Not thread-safe: owned by the thread driving the Raft state machine. Returned entry lists are
 * unmodifiable and share the (immutable) entries.
 */
final class RaftLog {

  /** Returned by {@link #maybeAppend} when the entries do not attach to this log. */
  static final long NOT_APPENDED = -1L;

  /** Visits pages of entries for {@link #scan}. */
  @FunctionalInterface
  interface EntriesVisitor {
    /**
     * Takes the next page of entries.
     *
     * @return true to go on, false to stop the scan (Go: return {@code errBreak})
     */
    boolean visit(List<Entry> ents);
  }

  /** All stable entries since the last snapshot. */
  private final Storage storage;

  /** The entries and snapshot not yet stable. */
  private final Unstable unstable;

  /** The highest position known to be in stable storage on a quorum of nodes. */
  private long committed;

  /**
   * The highest position the application has been told to apply; some of those entries may still be
   * being applied. Advanced when a {@code Ready} is accepted.
   */
  private long applying;

  /** The highest position the application has applied to its state machine. */
  private long applied;

  private final RaftLogger logger;

  /** The budget for entries handed out to apply and not yet acknowledged, in encoded bytes. */
  private final long maxApplyingEntsSize;

  /** The encoded size of entries handed out to apply and not yet acknowledged. */
  private long applyingEntsSize;

  /** True while handing out entries to apply is paused until enough are acknowledged. */
  private boolean applyingEntsPaused;

  private RaftLog(Storage storage, RaftLogger logger, long maxApplyingEntsSize) {
    long firstIndex = storage.firstIndex();
    long lastIndex = storage.lastIndex();
    this.storage = storage;
    this.logger = logger;
    this.unstable = new Unstable(lastIndex + 1, logger);
    this.maxApplyingEntsSize = maxApplyingEntsSize;
    // Committed and applied start at the last compaction.
    this.committed = firstIndex - 1;
    this.applying = firstIndex - 1;
    this.applied = firstIndex - 1;
  }

  /** A log over {@code storage}, committed and applied up to its snapshot, without apply limit. */
  static RaftLog newLog(Storage storage, RaftLogger logger) {
    return newLogWithSize(storage, logger, RaftConstants.NO_LIMIT);
  }

  /** A log over {@code storage} whose unapplied hand-outs are limited to the given size. */
  static RaftLog newLogWithSize(Storage storage, RaftLogger logger, long maxApplyingEntsSize) {
    return new RaftLog(storage, logger, maxApplyingEntsSize);
  }

  Storage storage() {
    return storage;
  }

  Unstable unstable() {
    return unstable;
  }

  long committed() {
    return committed;
  }

  /** Sets the commit index directly (loading a hard state, bootstrapping); no checks. */
  void setCommitted(long committed) {
    this.committed = committed;
  }

  long applying() {
    return applying;
  }

  long applied() {
    return applied;
  }

  long maxApplyingEntsSize() {
    return maxApplyingEntsSize;
  }

  long applyingEntsSize() {
    return applyingEntsSize;
  }

  boolean applyingEntsPaused() {
    return applyingEntsPaused;
  }

  void setApplyingEntsPaused(boolean paused) {
    this.applyingEntsPaused = paused;
  }

  @Override
  public String toString() {
    return GoFormat.format(
        "committed=%d, applied=%d, applying=%d, unstable.offset=%d, "
            + "unstable.offsetInProgress=%d, len(unstable.Entries)=%d",
        committed,
        applied,
        applying,
        unstable.offset(),
        unstable.offsetInProgress(),
        unstable.entryCount());
  }

  /**
   * Appends the slice if it attaches to this log at {@code a.prev()}: entries already present are
   * kept, the log is truncated at the first conflicting one, the rest is appended; then the commit
   * index moves up to {@code min(committed, last new index)}.
   *
   * @return the index of the last entry of the slice, or {@link #NOT_APPENDED} if {@code a.prev()}
   *     does not match this log
   * @throws IllegalStateException if a committed entry would be overwritten
   */
  long maybeAppend(LogSlice a, long committed) {
    if (!matchTerm(a.prev())) {
      return NOT_APPENDED;
    }
    List<Entry> ents = a.entries();
    long lastnewi = a.prev().index() + ents.size();
    long ci = findConflict(ents);
    if (ci != 0) {
      if (ci <= this.committed) {
        throw Invariants.panic(
            logger, "entry %d conflict with committed entry [committed(%d)]", ci, this.committed);
      }
      long offset = a.prev().index() + 1;
      if (ci - offset > ents.size()) {
        throw Invariants.panic(logger, "index, %d, is out of range [%d]", ci - offset, ents.size());
      }
      append(ents.subList((int) (ci - offset), ents.size()));
    }
    commitTo(Math.min(committed, lastnewi));
    return lastnewi;
  }

  /**
   * Appends {@code ents} to the unstable log, truncating any entries at or after the first one.
   *
   * @return the new last index
   * @throws IllegalStateException if that would truncate committed entries
   */
  long append(List<Entry> ents) {
    if (ents.isEmpty()) {
      return lastIndex();
    }
    long after = ents.get(0).getIndex() - 1;
    if (after < committed) {
      throw Invariants.panic(logger, "after(%d) is out of range [committed(%d)]", after, committed);
    }
    unstable.truncateAndAppend(ents);
    return lastIndex();
  }

  /**
   * Finds the first of {@code ents} (consecutive indexes) that this log does not have: one whose
   * index this log has with another term, or the first beyond its end.
   *
   * @return the index of that entry, or 0 if this log has all of them
   */
  long findConflict(List<Entry> ents) {
    for (int i = 0, n = ents.size(); i < n; i++) {
      Entry e = ents.get(i);
      long index = e.getIndex();
      long ourTerm = knownTerm(index);
      if (ourTerm == Unstable.NOT_FOUND || ourTerm != e.getTerm()) {
        if (index <= lastIndex()) {
          logger.infof(
              "found conflict at index %d [existing term: %d, conflicting term: %d]",
              index, ourTerm == Unstable.NOT_FOUND ? 0 : ourTerm, e.getTerm());
        }
        return index;
      }
    }
    return 0;
  }

  /**
   * Guesses where this log stops matching another log of which only the entry {@code (index, term)}
   * is known: the largest {@code guessIndex <= index} whose term is at most {@code term} or unknown
   * (compacted or not stored). Used by leader and follower to skip past a conflicting tail after a
   * rejected append.
   *
   * @return {@code (term(guessIndex), guessIndex)}, with term 0 when it is unknown
   */
  EntryId findConflictByTerm(long index, long term) {
    for (; index != 0; index--) {
      long ourTerm = knownTerm(index);
      if (ourTerm == Unstable.NOT_FOUND) {
        // Compacted or unavailable: it may match, so stop here with an unknown term.
        return new EntryId(0, index);
      }
      if (ourTerm <= term) {
        return new EntryId(ourTerm, index);
      }
    }
    return new EntryId(0, 0);
  }

  /** The unstable entries ready to be written to storage and not already being written. */
  List<Entry> nextUnstableEnts() {
    return unstable.nextEntries();
  }

  /** True if there are unstable entries ready to be written and not already being written. */
  boolean hasNextUnstableEnts() {
    return unstable.hasNextEntries();
  }

  /** True if there are unstable entries ready to be written or being written. */
  boolean hasNextOrInProgressUnstableEnts() {
    return unstable.entryCount() > 0;
  }

  /**
   * Returns the committed entries ready to apply, within the apply size budget. Entries may be
   * committed before this node has made them durable; only if {@code allowUnstable} are such
   * entries returned. Empty while a snapshot is pending or applying is paused.
   */
  List<Entry> nextCommittedEnts(boolean allowUnstable) {
    if (applyingEntsPaused) {
      // The outstanding size limit is reached.
      return List.of();
    }
    if (hasNextOrInProgressSnapshot()) {
      // See hasNextCommittedEnts.
      return List.of();
    }
    long lo = applying + 1;
    long hi = maxAppliableIndex(allowUnstable) + 1; // [lo, hi)
    if (lo >= hi) {
      return List.of();
    }
    long maxSize = maxApplyingEntsSize - applyingEntsSize;
    if (maxSize == 0) {
      throw Invariants.panic(
          logger,
          "applying entry size (%d-%d)=%d not positive",
          maxApplyingEntsSize,
          applyingEntsSize,
          maxSize);
    }
    try {
      return slice(lo, hi, maxSize);
    } catch (CompactedException e) {
      throw Invariants.panic(logger, "unexpected error when getting unapplied entries (%v)", e);
    }
  }

  /** A cheap check whether {@link #nextCommittedEnts} would return anything. */
  boolean hasNextCommittedEnts(boolean allowUnstable) {
    if (applyingEntsPaused) {
      return false;
    }
    if (hasNextOrInProgressSnapshot()) {
      // With a snapshot to apply, hand out no committed entries: which one to apply first would
      // be unclear.
      return false;
    }
    return applying + 1 < maxAppliableIndex(allowUnstable) + 1;
  }

  /**
   * The highest committed index that may be applied: only entries known to be stable locally,
   * unless {@code allowUnstable}.
   */
  long maxAppliableIndex(boolean allowUnstable) {
    long hi = committed;
    if (!allowUnstable) {
      hi = Math.min(hi, unstable.offset() - 1);
    }
    return hi;
  }

  /** The unstable snapshot if it is not already being written to storage; otherwise null. */
  @Nullable Snapshot nextUnstableSnapshot() {
    return unstable.nextSnapshot();
  }

  /** True if there is an unstable snapshot not already being written to storage. */
  boolean hasNextUnstableSnapshot() {
    return unstable.nextSnapshot() != null;
  }

  /** True if a snapshot waits to be written or is being written. */
  boolean hasNextOrInProgressSnapshot() {
    return unstable.snapshot() != null;
  }

  /**
   * The latest snapshot: the unstable one, else Storage's.
   *
   * @throws SnapshotTemporarilyUnavailableException if Storage is still preparing it
   */
  Snapshot snapshot() {
    Snapshot s = unstable.snapshot();
    return s != null ? s : storage.snapshot();
  }

  long firstIndex() {
    long i = unstable.maybeFirstIndex();
    return i != Unstable.NOT_FOUND ? i : storage.firstIndex();
  }

  long lastIndex() {
    long i = unstable.maybeLastIndex();
    return i != Unstable.NOT_FOUND ? i : storage.lastIndex();
  }

  /**
   * Raises the commit index to {@code tocommit}; never lowers it.
   *
   * @throws IllegalStateException if {@code tocommit} is beyond the last index
   */
  void commitTo(long tocommit) {
    // Unsigned, as in Go: tocommit may come straight from a message.
    if (committed < tocommit) {
      if (lastIndex() < tocommit) {
        throw Invariants.panic(
            logger,
            "tocommit(%d) is out of range [lastIndex(%d)]. "
                + "Was the raft log corrupted, truncated, or lost?",
            tocommit,
            lastIndex());
      }
      committed = tocommit;
    }
  }

  /**
   * Records that the application applied everything up to {@code i}, releasing {@code size} bytes
   * of the apply budget.
   *
   * @throws IllegalStateException if {@code i} is below applied or above committed
   */
  void appliedTo(long i, long size) {
    if (committed < i || i < applied) {
      throw Invariants.panic(
          logger,
          "applied(%d) is out of range [prevApplied(%d), committed(%d)]",
          i,
          applied,
          committed);
    }
    applied = i;
    applying = Math.max(applying, i);
    if (Long.compareUnsigned(applyingEntsSize, size) > 0) {
      applyingEntsSize -= size;
    } else {
      // Defends against underflow.
      applyingEntsSize = 0;
    }
    applyingEntsPaused = Long.compareUnsigned(applyingEntsSize, maxApplyingEntsSize) >= 0;
  }

  /**
   * Records that entries up to {@code i}, of {@code size} bytes, were handed out to apply, and
   * pauses handing out more when the budget is used up or the hand-out was cut short by it.
   *
   * @throws IllegalStateException if {@code i} is above committed
   */
  void acceptApplying(long i, long size, boolean allowUnstable) {
    if (committed < i) {
      throw Invariants.panic(
          logger,
          "applying(%d) is out of range [prevApplying(%d), committed(%d)]",
          i,
          applying,
          committed);
    }
    applying = i;
    applyingEntsSize += size;
    // Pause if (1) the outstanding size reached the budget, or (2) the last hand-out stopped short
    // of everything appliable, which means the next entry would exceed the budget.
    applyingEntsPaused =
        Long.compareUnsigned(applyingEntsSize, maxApplyingEntsSize) >= 0
            || i < maxAppliableIndex(allowUnstable);
  }

  /** See {@link Unstable#stableTo}. */
  void stableTo(EntryId id) {
    unstable.stableTo(id.term(), id.index());
  }

  /** See {@link Unstable#stableTo}; the entry is given as its term and index. */
  void stableTo(long term, long index) {
    unstable.stableTo(term, index);
  }

  /** See {@link Unstable#stableSnapTo}. */
  void stableSnapTo(long i) {
    unstable.stableSnapTo(i);
  }

  /**
   * Marks the current unstable entries and snapshot as being written to storage, so the next {@code
   * Ready} does not hand them out again.
   */
  void acceptUnstable() {
    unstable.acceptInProgress();
  }

  /** The ID of the last entry of the log. */
  EntryId lastEntryID() {
    return new EntryId(lastTerm(), lastIndex());
  }

  /** The term of the last entry of the log: {@link #lastEntryID()} without the record. */
  long lastTerm() {
    long index = lastIndex();
    long t = knownTerm(index);
    if (t == Unstable.NOT_FOUND) {
      throw Invariants.panic(
          logger,
          "unexpected error when getting the last term at %d: %v",
          index,
          missingTerm(index));
    }
    return t;
  }

  /**
   * Returns the term of entry {@code i}. The valid range is {@code [firstIndex()-1, lastIndex()]}:
   * the entry before the first is compacted, but its term is kept for matching.
   *
   * @throws CompactedException if {@code i} is before that range
   * @throws UnavailableException if {@code i} is after it
   */
  long term(long i) {
    long t = knownTerm(i);
    if (t == Unstable.NOT_FOUND) {
      throw missingTerm(i);
    }
    return t;
  }

  /** {@link #term}, with 0 for a compacted or unavailable entry. */
  long zeroTermOnOutOfBounds(long i) {
    long t = knownTerm(i);
    return t == Unstable.NOT_FOUND ? 0 : t;
  }

  /**
   * {@link #term} for the per-entry paths, which only ask whether the term is known: the term, or
   * {@link Unstable#NOT_FOUND} (Go's {@code ok == false}) when entry {@code i} is compacted or
   * beyond the end. {@link #missingTerm} tells which, when a caller needs to.
   */
  private long knownTerm(long i) {
    // The unstable log first, before computing the valid range, which may reach into Storage.
    long t = unstable.maybeTerm(i);
    if (t != Unstable.NOT_FOUND) {
      return t;
    }
    // The entry before the first is compacted, but its term is kept for matching.
    if (i < firstIndex() - 1 || i > lastIndex()) {
      return Unstable.NOT_FOUND;
    }
    try {
      return storage.term(i);
    } catch (CompactedException | UnavailableException e) {
      return Unstable.NOT_FOUND;
    }
  }

  /**
   * Why {@link #knownTerm} found no term for {@code i}: compacted if it is before the valid range
   * now (a compaction that raced with the lookup shows here too), otherwise unavailable.
   */
  private StorageException missingTerm(long i) {
    return i < firstIndex() - 1 ? CompactedException.INSTANCE : UnavailableException.INSTANCE;
  }

  /**
   * Returns the entries from {@code i} to the end, limited to {@code maxSize} encoded bytes (at
   * least one entry); empty if {@code i} is past the end.
   *
   * @throws CompactedException if {@code i} is compacted
   */
  List<Entry> entries(long i, long maxSize) {
    long last = lastIndex();
    if (i > last) {
      return List.of();
    }
    return slice(i, last + 1, maxSize);
  }

  /** All entries of the log. */
  List<Entry> allEntries() {
    while (true) {
      try {
        return entries(firstIndex(), RaftConstants.NO_LIMIT);
      } catch (CompactedException e) {
        // A compaction raced with the read; try again.
      }
    }
  }

  /**
   * True if a log ending with {@code their} is at least as up-to-date as this one: its last term is
   * higher, or equal with an index at least as high (Raft §5.4.1).
   */
  boolean isUpToDate(EntryId their) {
    EntryId our = lastEntryID();
    return their.term() > our.term() || their.term() == our.term() && their.index() >= our.index();
  }

  /** True if this log has the entry {@code id}. */
  boolean matchTerm(EntryId id) {
    return matchTerm(id.term(), id.index());
  }

  private boolean matchTerm(long term, long index) {
    long t = knownTerm(index);
    return t != Unstable.NOT_FOUND && t == term;
  }

  /**
   * Commits up to {@code at} if it is beyond the commit index and this log has it. Term 0 never
   * matches: a leader has campaigned at term 1 at least.
   *
   * @return true if the commit index moved
   */
  boolean maybeCommit(EntryId at) {
    return maybeCommit(at.term(), at.index());
  }

  /** {@link #maybeCommit(EntryId)} without the record, for the leader's commit path. */
  boolean maybeCommit(long term, long index) {
    if (term != 0 && index > committed && matchTerm(term, index)) {
      commitTo(index);
      return true;
    }
    return false;
  }

  /** Replaces the log with snapshot {@code s}, which becomes the commit point. */
  void restore(Snapshot s) {
    logger.infof(
        "log [%s] starts to restore snapshot [index: %d, term: %d]",
        this, s.getMetadata().getIndex(), s.getMetadata().getTerm());
    committed = s.getMetadata().getIndex();
    unstable.restore(s);
  }

  /**
   * Visits the entries in {@code [lo, hi)} in consecutive pages of at most {@code pageSize} encoded
   * bytes (a page holds one entry at least). All of them must exist.
   *
   * @return true if every page was visited, false if the visitor stopped the scan
   * @throws CompactedException if part of the range is compacted (possibly after some pages)
   */
  boolean scan(long lo, long hi, long pageSize, EntriesVisitor v) {
    while (lo < hi) {
      List<Entry> ents = slice(lo, hi, pageSize);
      if (ents.isEmpty()) {
        throw new IllegalStateException(GoFormat.format("got 0 entries in [%d, %d)", lo, hi));
      }
      if (!v.visit(ents)) {
        return false;
      }
      lo += ents.size();
    }
    return true;
  }

  /**
   * Returns the entries in {@code [lo, hi)}, limited to {@code maxSize} encoded bytes (at least one
   * entry if the range is not empty).
   *
   * @throws CompactedException if {@code lo} is compacted
   * @throws IllegalStateException if the range is inverted or runs past the end
   */
  List<Entry> slice(long lo, long hi, long maxSize) {
    mustCheckOutOfBounds(lo, hi);
    if (lo == hi) {
      return List.of();
    }
    long unstableOffset = unstable.offset();
    if (lo >= unstableOffset) {
      return Util.limitSize(unstable.slice(lo, hi), maxSize);
    }
    long cut = Math.min(hi, unstableOffset);
    List<Entry> ents;
    try {
      ents = storage.entries(lo, cut, maxSize);
    } catch (UnavailableException e) {
      throw Invariants.panic(logger, "entries[%d:%d) is unavailable from storage", lo, cut);
    }
    if (hi <= unstableOffset) {
      return ents;
    }
    // Fast path: storage returned fewer entries than asked, so the next one would exceed the
    // limit (or a single entry reached it).
    if (ents.size() < cut - lo) {
      return ents;
    }
    // Slow path: the actual size decides how many unstable entries still fit.
    long size = Util.entsSize(ents);
    if (Long.compareUnsigned(size, maxSize) >= 0) {
      return ents;
    }
    List<Entry> unstableEnts = Util.limitSize(unstable.slice(unstableOffset, hi), maxSize - size);
    // limitSize exceeds the budget only with a single entry; leave it out then.
    if (unstableEnts.size() == 1
        && Long.compareUnsigned(size + Util.entsSize(unstableEnts), maxSize) > 0) {
      return ents;
    }
    return Util.extend(ents, unstableEnts);
  }

  /**
   * Checks {@code firstIndex() <= lo <= hi <= lastIndex() + 1}.
   *
   * @throws CompactedException if {@code lo} is before the first index
   * @throws IllegalStateException if the range is inverted or runs past the end
   */
  void mustCheckOutOfBounds(long lo, long hi) {
    if (lo > hi) {
      throw Invariants.panic(logger, "invalid slice %d > %d", lo, hi);
    }
    long fi = firstIndex();
    if (lo < fi) {
      throw CompactedException.INSTANCE;
    }
    long length = lastIndex() + 1 - fi;
    if (hi > fi + length) {
      throw Invariants.panic(logger, "slice[%d,%d) out of bound [%d,%d]", lo, hi, fi, lastIndex());
    }
  }
}
