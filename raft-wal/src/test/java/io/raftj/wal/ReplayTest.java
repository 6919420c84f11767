package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.START;
import static io.raftj.wal.WalTestSupport.entry;
import static io.raftj.wal.WalTestSupport.hs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay reads segments in large chunks and hands out entries whose data are views of them: records
 * straddling chunk and segment boundaries, and entries larger than a chunk, come back whole, and
 * stay intact while the WAL goes on appending over its tail. A streamed replay describes, as
 * appends and truncations, the same log that {@code readAll} returns.
 */
final class ReplayTest {
  @TempDir Path tmp;

  @Test
  void entriesAcrossChunkAndSegmentBoundariesReplayWhole() throws IOException {
    Path dir = tmp.resolve("wal");
    WalOptions options = WalOptions.DEFAULT.withSegmentSizeBytes(6L << 20);
    Random r = new Random(3);
    List<Entry> written = new ArrayList<>();
    try (Wal w = Wal.create(dir, new byte[] {1}, options)) {
      w.setUnsafeNoFsync();
      long index = 0;
      while (written.size() < 600) {
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          // mostly odd sizes so frames land at every alignment; now and then one above a chunk
          int size = written.size() == 333 ? (9 << 20) + 7 : r.nextInt(60_000);
          batch.add(entry(++index, 1, size));
        }
        w.save(hs(1, 1, index), batch);
        written.addAll(batch);
      }
    }
    assertThat(WalTestSupport.walFiles(dir)).hasSizeGreaterThanOrEqualTo(3);

    try (Wal w = Wal.open(dir, START, options)) {
      WalContents c = w.readAll();
      assertThat(c.entries()).hasSize(written.size());
      for (int i = 0; i < written.size(); i++) {
        assertThat(c.entries().get(i)).as("entry %d", i + 1).isEqualTo(written.get(i));
      }
      assertThat(c.state()).isEqualTo(hs(1, 1, written.size()));

      // Appending overwrites the tail on disk; the replayed entries do not change.
      long next = written.size() + 1;
      w.save(hs(2, 1, next), List.of(entry(next, 2, 1000)));
      assertThat(c.entries().get(written.size() - 1)).isEqualTo(written.get(written.size() - 1));
    }
  }

  @Test
  void aConflictingSuffixIsReplacedOnReplay() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null)) {
      w.save(hs(1, 1, 0), List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")));
      w.save(hs(2, 2, 1), List.of(entry(2, 2, "B")));
    }
    try (Wal w = Wal.openForRead(dir, START)) {
      assertThat(w.readAll().entries()).containsExactly(entry(1, 1, "a"), entry(2, 2, "B"));
    }
  }

  /** A host-side log built from the visitor's calls, checking the order they promise. */
  private static final class ListVisitor implements EntryVisitor {
    final long snapshotIndex;
    final List<Entry> log = new ArrayList<>();

    ListVisitor(long snapshotIndex) {
      this.snapshotIndex = snapshotIndex;
    }

    @Override
    public void append(Entry e) {
      assertThat(e.getIndex())
          .as("append follows the log")
          .isEqualTo(snapshotIndex + log.size() + 1);
      log.add(e);
    }

    @Override
    public void truncate(long index) {
      assertThat(index).isBetween(snapshotIndex + 1, snapshotIndex + log.size());
      log.subList((int) (index - snapshotIndex - 1), log.size()).clear();
    }
  }

  @Test
  void streamedReplay_describesTheLogReadAllReturns() throws IOException {
    Path dir = tmp.resolve("wal");
    WalOptions small = WalTestSupport.SMALL;
    try (Wal w = Wal.create(dir, new byte[] {7}, small)) {
      w.save(
          hs(1, 1, 2),
          List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c"), entry(4, 1, "d")));
      w.saveSnapshot(WalTestSupport.snap(2, 1));
      w.save(hs(2, 2, 2), List.of(entry(4, 2, "D"), entry(5, 2, "E"), entry(6, 2, 3000)));
      // an entry at the snapshot index: everything after the snapshot read so far is void
      w.save(hs(3, 3, 2), List.of(entry(2, 1, "b")));
      w.save(hs(3, 3, 3), List.of(entry(3, 3, "x"), entry(4, 3, 900), entry(5, 3, "z")));
      w.save(hs(4, 4, 4), List.of(entry(5, 4, "Z"), entry(6, 4, "w")));
    }
    assertThat(WalTestSupport.walFiles(dir)).hasSizeGreaterThan(1);
    WalContents all;
    try (Wal w = Wal.openForRead(dir, WalTestSupport.snap(2, 1), small)) {
      all = w.readAll();
    }
    assertThat(all.entries()).extracting(Entry::getIndex).containsExactly(3L, 4L, 5L, 6L);

    ListVisitor v = new ListVisitor(2);
    try (Wal w = Wal.open(dir, WalTestSupport.snap(2, 1), small)) {
      WalContents streamed = w.replay(v);
      assertThat(streamed.entries()).isEmpty();
      assertThat(streamed.state()).isEqualTo(all.state()).isEqualTo(hs(4, 4, 4));
      assertThat(streamed.metadata()).containsExactly(7);
      assertThat(v.log).isEqualTo(all.entries());
      // appendable afterwards, like after readAll
      w.save(hs(4, 4, 7), List.of(entry(7, 4, "v")));
    }
    try (Wal w = Wal.openForRead(dir, WalTestSupport.snap(2, 1), small)) {
      assertThat(w.readAll().entries())
          .extracting(Entry::getIndex)
          .containsExactly(3L, 4L, 5L, 6L, 7L);
    }
  }

  @Test
  void streamedReplay_reportsAGapAndAMissingSnapshotLikeReadAll() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a"), entry(3, 1, "c")));
    }
    try (Wal w = Wal.openForRead(dir, START)) {
      assertThatThrownBy(() -> w.replay(new ListVisitor(0))).isInstanceOf(EntryGapException.class);
    }
    Path other = tmp.resolve("other");
    try (Wal w = Wal.create(other, null)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a")));
    }
    ListVisitor v = new ListVisitor(0);
    try (Wal w = Wal.openForRead(other, WalTestSupport.snap(9, 1))) {
      assertThatThrownBy(() -> w.replay(v)).isInstanceOf(SnapshotNotFoundException.class);
    }
  }

  @Test
  void streamedReplay_stopsAtTheVisitorsException() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a"), entry(2, 1, "b")));
    }
    try (Wal w = Wal.openForRead(dir, START)) {
      EntryVisitor failing =
          new EntryVisitor() {
            @Override
            public void append(Entry e) throws IOException {
              throw new IOException("host store full at " + e.getIndex());
            }

            @Override
            public void truncate(long index) {}
          };
      assertThatThrownBy(() -> w.replay(failing))
          .isInstanceOf(IOException.class)
          .hasMessage("host store full at 1");
    }
  }

  @Test
  void recordWithAnIndexAboveTwoTo63_isCorruption() throws IOException {
    // Terms and indexes are never negative in raftj; a record that says otherwise is rejected
    // where it is decoded, naming the file and offset.
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, WalTestSupport.SMALL)) {
      w.save(hs(1, 1, 0), List.of(entry(1, 1, "a"), entry(-1L, 1, "b")));
    }
    try (Wal w = Wal.open(dir, START, WalTestSupport.SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOf(WalCorruptionException.class)
          .hasMessageContaining("entry term 1 or index 18446744073709551615 out of range");
    }
  }
}
