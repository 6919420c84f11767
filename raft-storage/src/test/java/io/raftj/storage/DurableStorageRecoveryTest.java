package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.VOTERS_1;
import static io.raftj.storage.StorageTestSupport.allEntries;
import static io.raftj.storage.StorageTestSupport.entries;
import static io.raftj.storage.StorageTestSupport.entry;
import static io.raftj.storage.StorageTestSupport.hardState;
import static io.raftj.storage.StorageTestSupport.names;
import static io.raftj.storage.StorageTestSupport.saveEach;
import static io.raftj.storage.StorageTestSupport.smallOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.wal.WalFileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery matrix: what a restart finds after each kind of interruption, from a clean close to
 * a crash between the snapshot file and its WAL record.
 */
final class DurableStorageRecoveryTest {

  @TempDir Path dir;

  private Path snapDir() {
    return dir.resolve(DurableStorage.SNAP_DIR);
  }

  private Path walDir() {
    return dir.resolve(DurableStorage.WAL_DIR);
  }

  @Test
  void restart_afterEntriesOnly() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.isRestart()).isFalse();
      s.save(hardState(2, 1, 3), entries(2, 1, 5), Snapshot.getDefaultInstance());
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.isRestart()).isTrue();
      assertThat(s.appliedIndex()).isZero();
      assertThat(s.replayTargetIndex()).isEqualTo(3);
      assertThat(s.hardStateAtOpen()).isEqualTo(hardState(2, 1, 3));
      assertThat(s.memoryStorage().initialState().hardState()).isEqualTo(hardState(2, 1, 3));
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(2, 1, 5));
    }
  }

  @Test
  void restart_afterASnapshot() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 10);
      s.snapshot(6, VOTERS_1, ByteString.copyFromUtf8("state@6"));
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.isRestart()).isTrue();
      assertThat(s.appliedIndex()).isEqualTo(6);
      assertThat(s.snapshotAtOpen().getData().toStringUtf8()).isEqualTo("state@6");
      assertThat(s.snapshotAtOpen().getMetadata().getConfState().getVotersList())
          .containsExactly(1L);
      assertThat(s.memoryStorage().initialState().confState().getVotersList()).containsExactly(1L);
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 7, 10));
      assertThat(s.replayTargetIndex()).isEqualTo(10);
    }
  }

  @Test
  void restart_afterCompactionAndPurge() throws IOException {
    int segmentsBefore;
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      for (int round = 1; round <= 5; round++) {
        saveEach(s, (round - 1) * 200L + 1, round * 200L);
        if (round == 1) {
          segmentsBefore = names(walDir(), ".wal").size();
          assertThat(segmentsBefore).isGreaterThan(2);
        }
        s.snapshot(round * 200L - 10, VOTERS_1, ByteString.copyFromUtf8("state@" + round));
        assertThat(s.memoryStorage().firstIndex()).isEqualTo(round * 200L - 10 - 2 + 1);
      }
    }
    assertThat(names(snapDir(), ".snap"))
        .containsExactly(Snapshotter.snapName(1, 790), Snapshotter.snapName(1, 990));
    // Segments before the oldest kept snapshot are gone; the first one left still reaches it.
    List<String> wals = names(walDir(), ".wal");
    assertThat(wals).doesNotContain("0000000000000000-0000000000000000.wal");
    assertThat(Long.parseUnsignedLong(wals.get(0).substring(17, 33), 16)).isLessThanOrEqualTo(790);

    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.appliedIndex()).isEqualTo(990);
      assertThat(s.snapshotAtOpen().getData().toStringUtf8()).isEqualTo("state@5");
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 991, 1000));
    }
  }

  @Test
  void restart_withTornWalTail() throws IOException {
    byte[] big = new byte[3000];
    Arrays.fill(big, (byte) 'x');
    byte[] marker = "TORN-RECORD-MARKER".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(marker, 0, big, 0, marker.length);
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 7);
      Entry last = entry(1, 8).toBuilder().setData(ByteString.copyFrom(big)).build();
      s.save(hardState(1, 1, 7), List.of(last), Snapshot.getDefaultInstance());
    }
    // A crash mid-write: the record's length made it to disk, the end of its data did not.
    Path tail = lastSegment();
    long at = indexOf(Files.readAllBytes(tail), marker);
    assertThat(at).isPositive();
    try (RandomAccessFile f = new RandomAccessFile(tail.toFile(), "rw")) {
      f.seek(at + 600);
      f.write(new byte[2400]);
    }

    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.isRestart()).isTrue();
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 1, 7));
      s.save(hardState(1, 1, 8), List.of(entry(1, 8)), Snapshot.getDefaultInstance());
    }
    assertThat(names(walDir(), ".broken")).isNotEmpty();
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 1, 8));
    }
  }

  @Test
  void restart_withBrokenNewestSnapshot_fallsBackToTheOlderOne() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 300);
      s.snapshot(100, VOTERS_1, ByteString.copyFromUtf8("state@100"));
      s.snapshot(250, VOTERS_1, ByteString.copyFromUtf8("state@250"));
    }
    Path newest = snapDir().resolve(Snapshotter.snapName(1, 250));
    byte[] b = Files.readAllBytes(newest);
    b[b.length - 1] ^= 0x5a;
    Files.write(newest, b);

    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.appliedIndex()).isEqualTo(100);
      assertThat(s.snapshotAtOpen().getData().toStringUtf8()).isEqualTo("state@100");
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 101, 300));
    }
    assertThat(names(snapDir(), ".broken"))
        .containsExactly(Snapshotter.snapName(1, 250) + ".broken");
  }

  @Test
  void restart_withSnapshotFileButNoWalRecord_ignoresAndRemovesTheFile() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 20);
      s.snapshot(10, VOTERS_1, ByteString.copyFromUtf8("state@10"));
      saveEach(s, 21, 30);
    }
    // A crash between writing the snapshot file and its WAL record.
    Snapshot orphan = StorageTestSupport.snapshot(25, 1, "state@25");
    new Snapshotter(snapDir()).saveSnap(orphan);

    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.appliedIndex()).isEqualTo(10);
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 11, 30));
    }
    assertThat(names(snapDir(), ".snap")).containsExactly(Snapshotter.snapName(1, 10));
  }

  @Test
  void restart_withWalRecordButMissingSnapshotFile_fallsBackToTheOlderOne() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 40);
      s.snapshot(10, VOTERS_1, ByteString.copyFromUtf8("state@10"));
      s.snapshot(30, VOTERS_1, ByteString.copyFromUtf8("state@30"));
    }
    Files.delete(snapDir().resolve(Snapshotter.snapName(1, 30)));

    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.appliedIndex()).isEqualTo(10);
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 11, 40));
    }
  }

  @Test
  void restart_withWalRecordButNoSnapshotFileAndNoLog_failsNamingTheWal() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 300);
      s.snapshot(250, VOTERS_1, ByteString.copyFromUtf8("state@250"));
    }
    assertThat(names(walDir(), ".wal")).doesNotContain("0000000000000000-0000000000000000.wal");
    Files.delete(snapDir().resolve(Snapshotter.snapName(1, 250)));

    // Nothing to start from: the log before the lost snapshot was purged. Refuse, never guess.
    assertThatThrownBy(() -> DurableStorage.open(dir, smallOptions()))
        .isInstanceOf(WalFileNotFoundException.class);
  }

  @Test
  void restart_afterCrashBeforeTheFirstSave_isAFreshNode() throws IOException {
    DurableStorage.open(dir, smallOptions()).close();
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.isRestart()).isFalse();
      assertThat(s.memoryStorage().lastIndex()).isZero();
    }
  }

  @Test
  void open_snapshotFilesWithoutWal_refuses() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 10);
      s.snapshot(5, VOTERS_1, ByteString.copyFromUtf8("state@5"));
    }
    try (var files = Files.list(walDir())) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    assertThatThrownBy(() -> DurableStorage.open(dir, smallOptions()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("holds no WAL");
  }

  @Test
  void restart_afterReceivedSnapshot_whoseCommitNeverReachedTheWal() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 5);
    }
    // A follower got a snapshot at 50; the crash came after the snapshot file and its WAL record
    // but before the hard state that commits it, so the WAL does not confirm it yet.
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      Snapshot received = StorageTestSupport.snapshot(50, 2, "state@50");
      s.save(io.raftj.raft.raftpb.HardState.getDefaultInstance(), List.of(), received);
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.appliedIndex()).isZero();
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 1, 5));
    }
    assertThat(names(snapDir(), ".snap")).isEmpty();
  }

  /**
   * Regression: after a restart at a received snapshot with no entries after it in the WAL, the
   * WAL's next segment was named after the last entry replayed (before the snapshot), so the
   * restart after it opened that segment for the snapshot and missed its record.
   */
  @Test
  void restart_afterReceivedSnapshot_thenASegmentCutBeforeAnyEntry() throws IOException {
    Snapshot received = StorageTestSupport.snapshot(50, 2, "state@50");
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 5);
      s.save(hardState(2, 1, 50), List.of(), received);
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.appliedIndex()).isEqualTo(50);
      int segments = names(walDir(), ".wal").size();
      // hard states only, until the WAL cuts a new segment
      for (long term = 3; names(walDir(), ".wal").size() == segments; term++) {
        s.save(hardState(term, 1, 50), List.of(), Snapshot.getDefaultInstance());
      }
      for (String name : names(walDir(), ".wal")) {
        assertThat(Long.parseUnsignedLong(name.substring(17, 33), 16))
            .as("segment %s starts after the snapshot or holds what precedes it", name)
            .satisfiesAnyOf(
                i -> assertThat(i).isLessThanOrEqualTo(6), i -> assertThat(i).isGreaterThan(50));
      }
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.snapshotAtOpen()).isEqualTo(received);
      assertThat(s.memoryStorage().lastIndex()).isEqualTo(50);
    }
  }

  private Path lastSegment() throws IOException {
    List<String> wals = names(walDir(), ".wal");
    return walDir().resolve(wals.get(wals.size() - 1));
  }

  private static long indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
