package io.raftj.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.storage.snappb.SnapProtos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports the intent of etcd's {@code snap/snapshotter_test.go}, plus the crash-safety additions. */
final class SnapshotterTest {

  private static final Snapshot TEST_SNAP = snap(1, 1, "some snapshot");

  @TempDir Path dir;

  static Snapshot snap(long term, long index, String data) {
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8(data))
        .setMetadata(
            SnapshotMetadata.newBuilder()
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3))
                .setIndex(index)
                .setTerm(term))
        .build();
  }

  static io.raftj.wal.walpb.Snapshot walSnap(long term, long index) {
    return io.raftj.wal.walpb.Snapshot.newBuilder().setTerm(term).setIndex(index).build();
  }

  @Test
  void saveAndLoad() throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);
    assertThat(ss.load()).isEqualTo(TEST_SNAP);
  }

  @Test
  void badCRC() throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);
    // A file whose CRC was computed with another polynomial (IEEE instead of Castagnoli).
    Path file = dir.resolve(String.format("%016x-%016x.snap", 1, 1));
    ByteString data = SnapProtos.Snapshot.parseFrom(Files.readAllBytes(file)).getData();
    CRC32 ieee = new CRC32();
    ieee.update(data.toByteArray());
    Files.write(
        file,
        SnapProtos.Snapshot.newBuilder()
            .setCrc((int) ieee.getValue())
            .setData(data)
            .build()
            .toByteArray());

    assertThatThrownBy(() -> Snapshotter.read(file))
        .isInstanceOf(SnapshotCrcMismatchException.class)
        .hasMessage("snap: crc mismatch");
  }

  @Test
  void failback() throws IOException {
    String large = String.format("%016x-%016x-%016x.snap", 0xFFFF, 0xFFFF, 0xFFFF);
    Files.write(dir.resolve(large), "bad data".getBytes(StandardCharsets.UTF_8));
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);

    assertThat(ss.load()).isEqualTo(TEST_SNAP);
    assertThat(dir.resolve(large + ".broken")).exists();
    assertThat(dir.resolve(large)).doesNotExist();
  }

  @Test
  void snapNames() throws IOException {
    for (int i = 1; i <= 5; i++) {
      Files.createFile(dir.resolve(i + ".snap"));
    }
    assertThat(new Snapshotter(dir).snapNames())
        .containsExactly("5.snap", "4.snap", "3.snap", "2.snap", "1.snap");
  }

  record LoadCase(
      String name, List<io.raftj.wal.walpb.Snapshot> availableWalSnaps, long wantIndex) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<LoadCase> loadNewestSnap() {
    return Stream.of(
        new LoadCase("load-newest", null, 5),
        new LoadCase(
            "loadnewestavailable-newest", List.of(walSnap(0, 0), walSnap(1, 1), walSnap(1, 5)), 5),
        new LoadCase(
            "loadnewestavailable-newest-unsorted",
            List.of(walSnap(1, 5), walSnap(1, 1), walSnap(0, 0)),
            5),
        new LoadCase("loadnewestavailable-previous", List.of(walSnap(0, 0), walSnap(1, 1)), 1));
  }

  @ParameterizedTest
  @MethodSource
  void loadNewestSnap(LoadCase c) throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);
    Snapshot newSnap =
        TEST_SNAP.toBuilder().setMetadata(TEST_SNAP.getMetadata().toBuilder().setIndex(5)).build();
    ss.saveSnap(newSnap);

    Snapshot got =
        c.availableWalSnaps() == null ? ss.load() : ss.loadNewestAvailable(c.availableWalSnaps());
    assertThat(got).isEqualTo(c.wantIndex() == 5 ? newSnap : TEST_SNAP);
  }

  @Test
  void noSnapshot() {
    assertThatThrownBy(() -> new Snapshotter(dir).load())
        .isInstanceOf(NoSnapshotException.class)
        .hasMessage("snap: no available snapshot");
  }

  @Test
  void emptySnapshot() throws IOException {
    Files.createFile(dir.resolve("1.snap"));
    assertThatThrownBy(() -> Snapshotter.read(dir.resolve("1.snap")))
        .isInstanceOf(EmptySnapshotException.class)
        .hasMessage("snap: empty snapshot");
  }

  @Test
  void allSnapshotBroken() throws IOException {
    Files.write(dir.resolve("1.snap"), "bad".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> new Snapshotter(dir).load()).isInstanceOf(NoSnapshotException.class);
    assertThat(dir.resolve("1.snap.broken")).exists();
  }

  @Test
  void read_envelopeWithZeroCrc_isEmptySnapshot() throws IOException {
    Path file = dir.resolve("1.snap");
    Files.write(
        file,
        SnapProtos.Snapshot.newBuilder()
            .setCrc(0)
            .setData(TEST_SNAP.toByteString())
            .build()
            .toByteArray());
    assertThatThrownBy(() -> Snapshotter.read(file)).isInstanceOf(EmptySnapshotException.class);
  }

  @Test
  void saveSnap_writesEtcdNameAndEnvelopeBytes() throws IOException {
    Snapshot s = snap(0x1f, 0xabc, "x");
    new Snapshotter(dir).saveSnap(s);

    Path file = dir.resolve("000000000000001f-0000000000000abc.snap");
    assertThat(Snapshotter.snapName(0x1f, 0xabc)).isEqualTo(file.getFileName().toString());
    // Built by hand: field 1 varint crc (always present, as gogoproto non-nullable), then field 2.
    byte[] data = s.toByteArray();
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.write(0x08);
    writeVarint(want, BitwiseCrc32c.of(data));
    want.write(0x12);
    writeVarint(want, data.length);
    want.write(data, 0, data.length);
    assertThat(Files.readAllBytes(file)).isEqualTo(want.toByteArray());
  }

  @Test
  void saveSnap_emptySnapshot_writesNothing() throws IOException {
    new Snapshotter(dir).saveSnap(Snapshot.getDefaultInstance());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void saveSnap_leavesNoTemporaryFileAndReportsTheSave() throws IOException {
    long[] saved = new long[2];
    StorageListener listener =
        new StorageListener() {
          @Override
          public void snapshotSaved(long index, long bytes, long fsyncNanos, long nanos) {
            saved[0] = index;
            saved[1] = bytes;
          }
        };
    new Snapshotter(dir, 3, listener).saveSnap(TEST_SNAP);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(Snapshotter.snapName(1, 1));
    }
    assertThat(saved[0]).isEqualTo(1);
    assertThat(saved[1]).isEqualTo(Files.size(dir.resolve(Snapshotter.snapName(1, 1))));
  }

  @Test
  void load_afterCrashMidSave_deletesTemporaryFileAndLoadsPrevious() throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);
    // What a crash between write and rename leaves: half a file under the temporary name.
    byte[] full = Files.readAllBytes(dir.resolve(Snapshotter.snapName(1, 1)));
    Path tmp = dir.resolve(Snapshotter.snapName(2, 9) + ".tmp");
    Files.write(tmp, Arrays.copyOf(full, full.length / 2));

    assertThat(ss.load()).isEqualTo(TEST_SNAP);
    assertThat(tmp).doesNotExist();
  }

  @Test
  void load_truncatedNewestFile_fallsBackAndSetsItAside() throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);
    Snapshot newer = snap(2, 7, "newer");
    ss.saveSnap(newer);
    Path newest = dir.resolve(Snapshotter.snapName(2, 7));
    byte[] full = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(full, full.length - 3));

    assertThat(ss.load()).isEqualTo(TEST_SNAP);
    assertThat(dir.resolve(Snapshotter.snapName(2, 7) + ".broken")).exists();
  }

  @Test
  void load_manyBrokenFiles_keepsOnlyTheNewestBroken() throws IOException {
    for (int i = 1; i <= 6; i++) {
      Files.write(dir.resolve(Snapshotter.snapName(1, i)), "bad".getBytes(StandardCharsets.UTF_8));
    }
    Snapshotter ss = new Snapshotter(dir, 2, StorageListener.NONE);
    assertThatThrownBy(ss::load).isInstanceOf(NoSnapshotException.class);
    try (Stream<Path> files = Files.list(dir)) {
      // Loading goes newest first, so the oldest broken files are the ones removed.
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly(
              Snapshotter.snapName(1, 5) + ".broken", Snapshotter.snapName(1, 6) + ".broken");
    }
  }

  @Test
  void purge_keepsTheNewestFiles() throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    for (int i = 1; i <= 5; i++) {
      ss.saveSnap(snap(1, i * 10L, "s" + i));
    }
    assertThat(ss.purge(2)).isEqualTo(3);
    assertThat(ss.snapNames())
        .containsExactly(Snapshotter.snapName(1, 50), Snapshotter.snapName(1, 40));
    assertThat(ss.count()).isEqualTo(2);
    assertThat(ss.purge(2)).isZero();
  }

  @Test
  void loadNewestAvailable_noMatch_isNoSnapshot() throws IOException {
    Snapshotter ss = new Snapshotter(dir);
    ss.saveSnap(TEST_SNAP);
    assertThatThrownBy(() -> ss.loadNewestAvailable(List.of(walSnap(0, 0), walSnap(2, 1))))
        .isInstanceOf(NoSnapshotException.class);
    // A readable file that merely does not match is not broken.
    assertThat(dir.resolve(Snapshotter.snapName(1, 1))).exists();
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /**
   * CRC-32C bit by bit, independent of the JDK's table: reflected 0x82F63B78, init and xorout ~0.
   */
  static final class BitwiseCrc32c {
    static long of(byte[] data) {
      int crc = 0xFFFFFFFF;
      for (byte b : data) {
        crc ^= b & 0xFF;
        for (int k = 0; k < 8; k++) {
          crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
        }
      }
      return ~crc & 0xFFFFFFFFL;
    }
  }

  @Test
  void bitwiseCrc32c_matchesEtcdCheckValue() {
    assertThat(BitwiseCrc32c.of("somedata".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(0x741f6a05L);
  }
}
