package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.SMALL;
import static io.raftj.wal.WalTestSupport.START;
import static io.raftj.wal.WalTestSupport.entry;
import static io.raftj.wal.WalTestSupport.hs;
import static io.raftj.wal.WalTestSupport.snap;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public options: the file-system SPI and the fsync listener. */
final class WalOptionsTest {
  @TempDir Path tmp;

  @Test
  void syncListener_hearsEachFsyncOfTheWritePath() throws IOException {
    List<Long> syncs = new ArrayList<>();
    WalOptions opts = SMALL.withSyncListener(syncs::add);
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, opts)) {
      assertThat(syncs).as("create syncs its first segment").hasSize(1);
      syncs.clear();

      w.save(hs(1, 1, 0), List.of(entry(1, 1, "a")));
      assertThat(syncs).as("entries must be durable").hasSize(1);
      w.save(hs(1, 1, 1), List.of());
      assertThat(syncs).as("a commit alone is not synced").hasSize(1);
      w.save(hs(2, 0, 1), List.of());
      assertThat(syncs).as("a new term is synced").hasSize(2);
      w.saveSnapshot(snap(1, 1));
      assertThat(syncs).as("a snapshot record is synced").hasSize(3);

      syncs.clear();
      w.cut();
      assertThat(syncs).as("a cut syncs the old tail, the new one and the directory").hasSize(3);
      assertThat(syncs).allSatisfy(nanos -> assertThat(nanos).isNotNegative());

      syncs.clear();
      w.setUnsafeNoFsync();
      w.save(hs(2, 0, 1), List.of(entry(2, 2, "b")));
      assertThat(syncs).as("no fsync, nothing to report").isEmpty();
    }
  }

  @Test
  void syncListener_isCalledOnClose() throws IOException {
    List<Long> syncs = new ArrayList<>();
    Path dir = tmp.resolve("wal");
    Wal.create(dir, null, SMALL).close();
    Wal w = Wal.open(dir, START, SMALL.withSyncListener(syncs::add));
    w.readAll();
    assertThat(syncs).as("replay does not sync").isEmpty();
    w.close();
    assertThat(syncs).hasSize(1);
  }

  @Test
  void withFs_routesEveryOperation_throughThePublicSpi() throws IOException {
    CrashFs fs = new CrashFs();
    fs.createDirectories(Path.of("/data"));
    fs.syncDir(Path.of("/"));
    WalOptions opts = SMALL.withFs(fs);
    Path dir = Path.of("/data/wal");
    assertThat(opts.fs()).isSameAs(fs);
    assertThat(WalOptions.DEFAULT.fs()).isSameAs(WalFs.nio());
    try (Wal w = Wal.create(dir, null, opts)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a")));
    }
    assertThat(Wal.exist(dir, opts)).isTrue();
    assertThat(Wal.exist(dir)).as("nothing on the real disk").isFalse();
    assertThat(Wal.validSnapshotEntries(dir, opts))
        .containsExactly(START.toBuilder().setIndex(0).setTerm(0).build());
    assertThat(Wal.verify(dir, START, opts)).isEqualTo(hs(1, 1, 1));
    assertThat(Wal.repair(dir, opts)).isTrue();
    assertThat(WalPurger.purge(dir, 1, opts)).isEmpty();
    CrashFs image = fs.crash(1);
    try (Wal w = Wal.open(dir, START, opts.withFs(image))) {
      assertThat(w.readAll().entries()).hasSize(1);
    }
  }
}
