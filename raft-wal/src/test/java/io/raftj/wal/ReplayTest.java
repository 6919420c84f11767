package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.START;
import static io.raftj.wal.WalTestSupport.entry;
import static io.raftj.wal.WalTestSupport.hs;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay reads segments in large chunks and hands out entries whose data are views of them:
 * records straddling chunk and segment boundaries, and entries larger than a chunk, come back
 * whole, and stay intact while the WAL goes on appending over its tail.
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
}
