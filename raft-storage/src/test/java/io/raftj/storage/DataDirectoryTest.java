package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.wal.WalReader;
import io.raftj.wal.WalRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DataDirectoryTest {
  @TempDir Path tmp;

  /** A closed data directory with two snapshots (at 5 and 10) and entries 1..12. */
  private Path dataDir() throws IOException {
    Path dir = tmp.resolve("data");
    try (DurableStorage s = DurableStorage.open(dir)) {
      saveEach(s, 1, 5);
      s.snapshot(5, VOTERS_1, ByteString.copyFromUtf8("state@5"));
      saveEach(s, 6, 10);
      s.snapshot(10, VOTERS_1, ByteString.copyFromUtf8("state@10"));
      saveEach(s, 11, 12);
    }
    return dir;
  }

  @Test
  void snapshotsAndWal_areListedAndRead() throws IOException {
    DataDirectory d = DataDirectory.open(dataDir());
    List<SnapshotFile> snaps = d.snapshots();
    assertThat(snaps).extracting(SnapshotFile::index).containsExactly(10L, 5L);
    assertThat(snaps).extracting(SnapshotFile::term).containsExactly(1L, 1L);
    assertThat(snaps.get(0).read().getData().toStringUtf8()).isEqualTo("state@10");
    assertThat(d.walSegments()).isNotEmpty();
    long lastIndex = 0;
    try (WalReader r = d.openWal()) {
      for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
        assertThat(rec.crcValid()).isTrue();
        if (rec.typeName().equals("entry")) {
          lastIndex = rec.entry().getIndex();
        }
      }
    }
    assertThat(lastIndex).isEqualTo(12);
  }

  /** Inspection changes nothing: no lock, no permission, no delete, no rename, no repair. */
  @Test
  void inspecting_writesNothing() throws IOException {
    Path dir = dataDir();
    Files.delete(dir.resolve("LOCK"));
    Path snap = dir.resolve(DurableStorage.SNAP_DIR);
    Files.writeString(snap.resolve("0000000000000001-0000000000000003.snap.tmp"), "left over");
    Path newest = snap.resolve(Snapshotter.snapName(1, 10));
    byte[] good = Files.readAllBytes(newest);
    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 1;
    Files.write(newest, bad); // a damaged newest snapshot, which DurableStorage would rename
    for (Path p : List.of(dir, snap, dir.resolve(DurableStorage.WAL_DIR))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Map<String, String> before = fingerprint(dir);

    DataDirectory d = DataDirectory.open(dir);
    List<SnapshotFile> snaps = d.snapshots();
    assertThatThrownBy(() -> snaps.get(0).read()).isInstanceOf(IOException.class);
    assertThat(snaps.get(1).read().getData().toStringUtf8()).isEqualTo("state@5");
    try (WalReader r = d.openWal()) {
      while (r.next() != null) {
        // read to the end
      }
    }
    assertThat(fingerprint(dir)).isEqualTo(before);
  }

  @Test
  void wrongDirectories_areNamedWithAHint() throws IOException {
    assertThatThrownBy(() -> DataDirectory.open(tmp.resolve("nope")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope");
    Path etcd = tmp.resolve("etcd");
    Files.createDirectories(etcd.resolve("member").resolve("wal"));
    assertThatThrownBy(() -> DataDirectory.open(etcd))
        .hasMessage(
            "not a data directory (no wal/ or snap/ in it): "
                + etcd
                + "; it looks like an etcd data directory: open "
                + etcd.resolve("member"));
    assertThat(DataDirectory.open(etcd.resolve("member")).walDir())
        .isEqualTo(etcd.resolve("member/wal"));
  }

  /** The class Javadoc's example, line for line (DocSnippetsTest holds the two together). */
  @Test
  void javadocExample_runs() throws IOException {
    Path dataDir = dataDir();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      DataDirectory d = DataDirectory.open(dataDir);
      for (SnapshotFile f : d.snapshots()) {
        System.out.println(f.path().getFileName() + " term=" + f.term() + " index=" + f.index());
      }
      try (WalReader r = d.openWal()) {
        assertThat(r.next()).isNotNull();
      }
    } finally {
      System.setOut(saved);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "0000000000000001-000000000000000a.snap term=1 index=10",
            "0000000000000001-0000000000000005.snap term=1 index=5");
  }

  /**
   * Every path below {@code dir} with its permissions, size, modification time and content hash.
   */
  private static Map<String, String> fingerprint(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      String v =
          PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
              + " "
              + Files.getLastModifiedTime(p).toMillis();
      if (Files.isRegularFile(p)) {
        v += " " + Files.size(p) + " " + java.util.Arrays.hashCode(Files.readAllBytes(p));
      }
      out.put(dir.relativize(p).toString(), v);
    }
    return out;
  }
}
