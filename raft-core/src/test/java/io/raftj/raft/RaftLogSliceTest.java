package io.raftj.raft;

import static io.raftj.raft.RaftLogTest.logOn;
import static io.raftj.raft.RaftLogTest.logWith;
import static io.raftj.raft.TestEntries.index;
import static io.raftj.raft.TestEntries.snap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's log_test.go (part two: compaction, term lookups, slice and scan). */
final class RaftLogSliceTest {

  private static final RaftLogger LOGGER = RaftLogger.discard();
  private static final long NO_LIMIT = RaftConstants.NO_LIMIT;

  private static MemoryStorage newStorage() {
    return new MemoryStorage(LOGGER);
  }

  /** Entries at indexes {@code [from, to)} with terms equal to their indexes. */
  private static List<Entry> entries(long from, long to) {
    return index(from).termRange(from, to);
  }

  record CompactionCase(
      String name, long lastIndex, long[] compact, int[] wantLeft, boolean wantAllow) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<CompactionCase> compactionCases() {
    return Stream.of(
        new CompactionCase("out of upper bound", 1000, new long[] {1001}, new int[] {-1}, false),
        new CompactionCase(
            "in bounds",
            1000,
            new long[] {300, 500, 800, 900},
            new int[] {700, 500, 200, 100},
            true),
        new CompactionCase(
            "out of lower bound", 1000, new long[] {300, 299}, new int[] {700, -1}, false));
  }

  @ParameterizedTest
  @MethodSource("compactionCases")
  void compaction(CompactionCase c) {
    MemoryStorage storage = newStorage();
    storage.append(index(1).termRange(1, c.lastIndex() + 1));
    RaftLog l = RaftLog.newLog(storage, LOGGER);
    assertThat(l.maybeCommit(new EntryId(0, c.lastIndex()))).isFalse(); // term 0 never commits
    l.appliedTo(l.committed(), 0);

    for (int j = 0; j < c.compact().length; j++) {
      long at = c.compact()[j];
      if (at > c.lastIndex()) {
        assertThat(c.wantAllow()).isFalse();
        assertThatThrownBy(() -> storage.compact(at))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("compact 1001 is out of bound lastindex(1000)");
        continue;
      }
      try {
        storage.compact(at);
      } catch (CompactedException e) {
        assertThat(c.wantAllow()).isFalse();
        continue;
      }
      assertThat(l.allEntries()).hasSize(c.wantLeft()[j]);
    }
  }

  @Test
  void logRestore() {
    long index = 1000;
    long term = 1000;
    RaftLog l = logOn(snap(index, term), List.of(), List.of());

    assertThat(l.allEntries()).isEmpty();
    assertThat(l.firstIndex()).isEqualTo(index + 1);
    assertThat(l.committed()).isEqualTo(index);
    assertThat(l.unstable().offset()).isEqualTo(index + 1);
    assertThat(l.term(index)).isEqualTo(term);
  }

  record BoundsCase(long lo, long hi, boolean wantPanic, boolean wantCompacted) {}

  static Stream<BoundsCase> isOutOfBoundsCases() {
    long first = 101;
    long num = 100;
    return Stream.of(
        new BoundsCase(first - 2, first + 1, false, true),
        new BoundsCase(first - 1, first + 1, false, true),
        new BoundsCase(first, first, false, false),
        new BoundsCase(first + num / 2, first + num / 2, false, false),
        new BoundsCase(first + num - 1, first + num - 1, false, false),
        new BoundsCase(first + num, first + num, false, false),
        new BoundsCase(first + num, first + num + 1, true, false),
        new BoundsCase(first + num + 1, first + num + 1, true, false));
  }

  @ParameterizedTest
  @MethodSource("isOutOfBoundsCases")
  void isOutOfBounds(BoundsCase c) {
    long offset = 100;
    long num = 100;
    RaftLog l = logOn(snap(offset, 0), List.of(), entries(offset + 1, offset + num + 1));

    if (c.wantPanic()) {
      assertThatThrownBy(() -> l.mustCheckOutOfBounds(c.lo(), c.hi()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("slice[%d,%d) out of bound [101,200]", c.lo(), c.hi());
    } else if (c.wantCompacted()) {
      assertThatThrownBy(() -> l.mustCheckOutOfBounds(c.lo(), c.hi()))
          .isSameAs(CompactedException.INSTANCE);
    } else {
      assertThatCode(() -> l.mustCheckOutOfBounds(c.lo(), c.hi())).doesNotThrowAnyException();
    }
  }

  record TermCase(long idx, long term, StorageException wantErr) {}

  private static void assertTerm(RaftLog l, TermCase c) {
    if (c.wantErr() != null) {
      assertThatThrownBy(() -> l.term(c.idx())).isSameAs(c.wantErr());
      assertThat(l.zeroTermOnOutOfBounds(c.idx())).isZero();
      assertThat(l.matchTerm(new EntryId(0, c.idx()))).isFalse();
    } else {
      assertThat(l.term(c.idx())).isEqualTo(c.term());
      assertThat(l.matchTerm(new EntryId(c.term(), c.idx()))).isTrue();
    }
  }

  static Stream<TermCase> termCases() {
    long offset = 100;
    long num = 100;
    return Stream.of(
        new TermCase(offset - 1, 0, CompactedException.INSTANCE),
        new TermCase(offset, 1, null),
        new TermCase(offset + num / 2, num / 2, null),
        new TermCase(offset + num - 1, num - 1, null),
        new TermCase(offset + num, 0, UnavailableException.INSTANCE));
  }

  @ParameterizedTest
  @MethodSource("termCases")
  void term(TermCase c) {
    long offset = 100;
    long num = 100;
    RaftLog l = logOn(snap(offset, 1), List.of(), index(offset + 1).termRange(1, num));
    assertTerm(l, c);
  }

  static Stream<TermCase> termWithUnstableSnapshotCases() {
    long storageSnapIndex = 100;
    long unstableSnapIndex = storageSnapIndex + 5;
    return Stream.of(
        // cannot get term from storage
        new TermCase(storageSnapIndex, 0, CompactedException.INSTANCE),
        // cannot get term from the gap between storage ents and unstable snapshot
        new TermCase(storageSnapIndex + 1, 0, CompactedException.INSTANCE),
        new TermCase(unstableSnapIndex - 1, 0, CompactedException.INSTANCE),
        // get term from unstable snapshot index
        new TermCase(unstableSnapIndex, 1, null),
        // the log beyond the unstable snapshot is empty
        new TermCase(unstableSnapIndex + 1, 0, UnavailableException.INSTANCE));
  }

  @ParameterizedTest
  @MethodSource("termWithUnstableSnapshotCases")
  void termWithUnstableSnapshot(TermCase c) {
    RaftLog l = logOn(snap(100, 1), List.of(), List.of());
    l.restore(snap(105, 1));
    assertTerm(l, c);
  }

  record SliceCase(String name, long lo, long hi, long lim, List<Entry> want, boolean wantPanic) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<SliceCase> sliceCases() {
    long offset = 100;
    long num = 100;
    long last = offset + num;
    long half = offset + num / 2;
    Entry halfe =
        Entry.newBuilder().setIndex(half).setTerm(half).setType(EntryType.EntryNormal).build();
    long sz = halfe.getSerializedSize();
    return Stream.of(
        // Compacted.
        new SliceCase("compacted below", offset - 1, offset + 1, NO_LIMIT, null, false),
        new SliceCase("compacted at offset", offset, offset + 1, NO_LIMIT, null, false),
        // Panics.
        new SliceCase("lo and hi inverted", half, half - 1, NO_LIMIT, null, true),
        new SliceCase("hi out of bounds", last, last + 1, NO_LIMIT, null, true),
        // No limit.
        new SliceCase("empty", offset + 1, offset + 1, NO_LIMIT, List.of(), false),
        new SliceCase(
            "stable part", offset + 1, half - 1, NO_LIMIT, entries(offset + 1, half - 1), false),
        new SliceCase("all stable", offset + 1, half, NO_LIMIT, entries(offset + 1, half), false),
        new SliceCase(
            "stable and one unstable",
            offset + 1,
            half + 1,
            NO_LIMIT,
            entries(offset + 1, half + 1),
            false),
        new SliceCase("everything", offset + 1, last, NO_LIMIT, entries(offset + 1, last), false),
        new SliceCase("last stable", half - 1, half, NO_LIMIT, entries(half - 1, half), false),
        new SliceCase("across", half - 1, half + 1, NO_LIMIT, entries(half - 1, half + 1), false),
        new SliceCase("across to end", half - 1, last, NO_LIMIT, entries(half - 1, last), false),
        new SliceCase("first unstable", half, half + 1, NO_LIMIT, entries(half, half + 1), false),
        new SliceCase("all unstable", half, last, NO_LIMIT, entries(half, last), false),
        new SliceCase("last unstable", last - 1, last, NO_LIMIT, entries(last - 1, last), false),
        // At least one entry is always returned.
        new SliceCase(
            "limit 0, stable", offset + 1, last, 0, entries(offset + 1, offset + 2), false),
        new SliceCase("limit 0, across", half - 1, half + 1, 0, entries(half - 1, half), false),
        new SliceCase("limit 0, unstable", half, last, 0, entries(half, half + 1), false),
        new SliceCase("limit 0, unstable+1", half + 1, last, 0, entries(half + 1, half + 2), false),
        // Low limit.
        new SliceCase(
            "low, stable", offset + 1, last, sz - 1, entries(offset + 1, offset + 2), false),
        new SliceCase("low, across", half - 1, half + 1, sz - 1, entries(half - 1, half), false),
        new SliceCase("low, unstable", half, last, sz - 1, entries(half, half + 1), false),
        // Just enough for one.
        new SliceCase("one, stable", offset + 1, last, sz, entries(offset + 1, offset + 2), false),
        new SliceCase("one, across", half - 1, half + 1, sz, entries(half - 1, half), false),
        new SliceCase("one, unstable", half, last, sz, entries(half, half + 1), false),
        // Not enough for two.
        new SliceCase(
            "not two, stable", offset + 1, last, sz + 1, entries(offset + 1, offset + 2), false),
        new SliceCase(
            "not two, across", half - 1, half + 1, sz + 1, entries(half - 1, half), false),
        new SliceCase("not two, unstable", half, last, sz + 1, entries(half, half + 1), false),
        // Enough for two.
        new SliceCase(
            "two, stable", offset + 1, last, sz * 2, entries(offset + 1, offset + 3), false),
        new SliceCase(
            "two, stable end", half - 2, half + 1, sz * 2, entries(half - 2, half), false),
        new SliceCase(
            "two, across", half - 1, half + 1, sz * 2, entries(half - 1, half + 1), false),
        new SliceCase("two, unstable", half, last, sz * 2, entries(half, half + 2), false),
        // Not enough for three.
        new SliceCase("not three", half - 2, half + 1, sz * 3 - 1, entries(half - 2, half), false),
        // Enough for three.
        new SliceCase("three", half - 1, half + 2, sz * 3, entries(half - 1, half + 2), false));
  }

  @ParameterizedTest
  @MethodSource("sliceCases")
  void slice(SliceCase c) {
    long offset = 100;
    long half = 150;
    long last = 200;
    RaftLog l = logOn(snap(offset, 0), entries(offset + 1, half), entries(half, last));

    if (c.wantPanic()) {
      assertThatThrownBy(() -> l.slice(c.lo(), c.hi(), c.lim()))
          .isInstanceOf(IllegalStateException.class);
    } else if (c.lo() <= offset) {
      assertThatThrownBy(() -> l.slice(c.lo(), c.hi(), c.lim()))
          .isSameAs(CompactedException.INSTANCE);
    } else {
      List<Entry> got = l.slice(c.lo(), c.hi(), c.lim());
      assertThat(got).isEqualTo(c.want());
      assertThat(got.size() <= 1 || Util.entsSize(got) <= c.lim()).isTrue();
    }
  }

  @Test
  void slice_panicTexts() {
    RaftLog l = logWith(entries(1, 4));
    assertThatThrownBy(() -> l.slice(3, 2, NO_LIMIT)).hasMessage("invalid slice 3 > 2");
    assertThatThrownBy(() -> l.slice(1, 5, NO_LIMIT)).hasMessage("slice[1,5) out of bound [1,3]");
  }

  @Test
  void scan() {
    long offset = 47;
    long num = 20;
    long last = offset + num;
    long half = offset + num / 2;
    long entrySize = Util.entsSize(entries(half, half + 1));

    RaftLog l = logOn(snap(offset, 0), entries(offset + 1, half), entries(half, last));

    // scan() returns the same entries as slice(), on all inputs.
    for (long pageSize : new long[] {0, 1, 10, 100, entrySize, entrySize + 1}) {
      for (long lo = offset + 1; lo < last; lo++) {
        for (long hi = lo; hi <= last; hi++) {
          List<Entry> got = new ArrayList<>();
          long ps = pageSize;
          boolean done =
              l.scan(
                  lo,
                  hi,
                  pageSize,
                  page -> {
                    got.addAll(page);
                    assertThat(page.size() == 1 || Util.entsSize(page) <= ps).isTrue();
                    return true;
                  });
          assertThat(done).isTrue();
          assertThat(got)
              .as("scan() and slice() mismatch on [%d, %d) @ %d", lo, hi, pageSize)
              .isEqualTo(l.slice(lo, hi, NO_LIMIT));
        }
      }
    }

    // The visitor can stop the scan.
    int[] iters = {0};
    boolean done = l.scan(offset + 1, half, 0, page -> ++iters[0] != 2);
    assertThat(done).isFalse();
    assertThat(iters[0]).isEqualTo(2);

    // Pages fill up to the limit, not just one entry each (the range length is even).
    int[] pages = {0};
    l.scan(
        offset + 1,
        offset + 11,
        entrySize * 2,
        ents -> {
          pages[0]++;
          assertThat(ents).hasSize(2);
          assertThat(Util.entsSize(ents)).isEqualTo(entrySize * 2);
          return true;
        });
    assertThat(pages[0]).isEqualTo(5);
  }

  @Test
  void scan_compactedRange_throws() {
    MemoryStorage storage = newStorage();
    storage.append(entries(1, 6));
    RaftLog l = RaftLog.newLog(storage, LOGGER);
    storage.compact(3);
    assertThatThrownBy(() -> l.scan(2, 5, NO_LIMIT, ents -> true))
        .isSameAs(CompactedException.INSTANCE);
  }
}
