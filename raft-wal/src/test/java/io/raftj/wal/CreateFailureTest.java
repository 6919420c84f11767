package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ports the intent of etcd's TestWalCleanup, TestCreateFailFromNoSpaceLeft and
 * TestFilePipelineFailPreallocate.
 */
final class CreateFailureTest {
  @TempDir Path tmp;

  /**
   * The real file system, with failures injected into preallocation or the parent-directory fsync.
   */
  static final class FailingFs extends ForwardingWalFs {
    boolean failPreallocate;

    /** Fails the preallocation of only the file with this name. */
    String failPreallocateOf;

    Path failSyncOf;

    FailingFs() {
      super(NioWalFs.INSTANCE);
    }

    @Override
    public void syncDir(Path dir) throws IOException {
      if (dir.equals(failSyncOf)) {
        throw new IOException("injected fsync failure");
      }
      super.syncDir(dir);
    }

    @Override
    protected WalFile wrap(WalFile f) {
      return new ForwardingWalFile(f) {
        @Override
        public void preallocate(long size) throws IOException {
          if (failPreallocate || f.path().getFileName().toString().equals(failPreallocateOf)) {
            throw new IOException("No space left on device");
          }
          super.preallocate(size);
        }
      };
    }
  }

  @Test
  void walCleanup_parentSyncFails_movesDirToBroken() throws IOException {
    FailingFs fs = new FailingFs();
    Path dir = tmp.resolve("wal");
    fs.failSyncOf = tmp;
    assertThatThrownBy(
            () -> Wal.create(dir, null, WalOptions.DEFAULT.withSegmentSizeBytes(4096).withFs(fs)))
        .hasMessage("injected fsync failure");
    assertThat(Files.exists(dir)).isFalse();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .singleElement()
          .satisfies(n -> assertThat(n).matches("wal\\.broken\\.\\d{8}\\.\\d{6}\\.\\d{6}"));
    }
  }

  @Test
  void createFailFromNoSpaceLeft() throws IOException {
    FailingFs fs = new FailingFs();
    fs.failPreallocate = true;
    Path dir = tmp.resolve("wal");
    assertThatThrownBy(() -> Wal.create(dir, null, WalOptions.DEFAULT.withFs(fs)))
        .hasMessage("No space left on device");
    assertThat(Files.exists(dir)).isFalse();
    assertThat(Files.exists(tmp.resolve("wal.tmp"))).isFalse();
  }

  @Test
  void filePipelineFailPreallocate_failsTheCut() throws IOException {
    FailingFs fs = new FailingFs();
    Path dir = tmp.resolve("wal");
    // The pipeline prepares 0.tmp and 1.tmp in turn, in the background: the first cut takes 0.tmp,
    // and preparing the file after it fails, which the next cut must report. Naming the file
    // rather than flipping a flag after create keeps the outcome independent of thread timing.
    fs.failPreallocateOf = "1.tmp";
    try (Wal w = Wal.create(dir, null, WalOptions.DEFAULT.withSegmentSizeBytes(4096).withFs(fs))) {
      w.cut();
      assertThatThrownBy(w::cut).hasMessage("No space left on device");
    }
  }
}
