package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.wal.TornTailException;
import io.raftj.wal.WalReader;
import io.raftj.wal.WalRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a data directory that cannot be used says why, in words, with the path. */
final class DataDirErrorsTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void existingDirectory_keepsItsPermissions_newOnesArePrivate() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("data"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    try (DurableStorage s = DurableStorage.open(dir)) {
      saveEach(s, 1, 2);
    }
    try (DurableStorage s = DurableStorage.open(dir)) {
      assertThat(s.isRestart()).isTrue();
    }
    assertThat(mode(dir)).isEqualTo("rwxr-x---");
    assertThat(mode(dir.resolve("snap"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("wal"))).isEqualTo("rwx------");
    try (DurableStorage s = DurableStorage.open(tmp.resolve("a/b/c"))) {
      assertThat(s.isRestart()).isFalse();
    }
    assertThat(mode(tmp.resolve("a"))).isEqualTo("rwx------");
    assertThat(mode(tmp.resolve("a/b/c"))).isEqualTo("rwx------");
  }

  @Test
  void fileInsteadOfDirectory_isNamed() throws IOException {
    Path file = Files.writeString(tmp.resolve("data"), "not a directory");
    assertThatThrownBy(() -> DurableStorage.open(file))
        .hasMessage(
            "storage: cannot use data directory " + file + ": " + file + " is not a directory");
    assertThatThrownBy(() -> DurableStorage.open(file.resolve("sub")))
        .hasMessageStartingWith("storage: cannot use data directory " + file.resolve("sub") + ": ")
        .hasMessageContaining("Not a directory");
  }

  /** Run as root, the OS would let us write anywhere; the file system says no instead. */
  @Test
  void unwritableDirectory_isNamed() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("data"));
    DurableStorageOptions opts =
        DurableStorageOptions.DEFAULT.withFs(
            new FaultFs(p -> null, p -> new AccessDeniedException(p.toString())));
    assertThatThrownBy(() -> DurableStorage.open(dir, opts))
        .hasMessage(
            "storage: cannot use data directory "
                + dir
                + ": permission denied on "
                + dir.resolve("LOCK")
                + " (the directory must be writable by this process)");
  }

  /**
   * A disk that filled up mid-write leaves a torn record; on restart the repair needs room for its
   * {@code .broken} copy, and fails. The error names the full disk, not the torn record.
   */
  @Test
  void tornTailOnAFullDisk_namesTheFullDisk() throws IOException {
    Path dir = tmp.resolve("data");
    try (DurableStorage s = DurableStorage.open(dir)) {
      saveEach(s, 1, 3);
    }
    // cut the last record short, as a write that ran out of space leaves it
    Path seg;
    long last = -1;
    try (WalReader r = WalReader.open(dir.resolve("wal"))) {
      seg = dir.resolve("wal").resolve(r.segments().get(r.segments().size() - 1).name());
      for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
        last = rec.offset();
      }
    }
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(last + 10);
    }
    DurableStorageOptions full =
        DurableStorageOptions.DEFAULT.withFs(
            new FaultFs(
                p ->
                    p.getFileName().toString().endsWith(".broken")
                        ? new FileSystemException(p.toString(), null, "No space left on device")
                        : null,
                p -> null));
    assertThatThrownBy(() -> DurableStorage.open(dir, full))
        .isNotInstanceOf(TornTailException.class)
        .hasMessage(
            "storage: the WAL in "
                + dir.resolve("wal")
                + " ends in a torn record ("
                + seg.getFileName()
                + " at offset "
                + last
                + ") and cutting it off failed: No space left on device ("
                + seg
                + ".broken); free disk space on that file system and open the directory again")
        .satisfies(
            e -> assertThat(e.getSuppressed()).hasOnlyElementsOfType(TornTailException.class));

    // with room again, the same directory opens: the torn record (the last hard state) is cut off
    try (DurableStorage s = DurableStorage.open(dir)) {
      assertThat(s.memoryStorage().lastIndex()).isEqualTo(3);
      assertThat(s.hardStateAtOpen().getCommit()).isEqualTo(2);
    }
  }
}
