package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ports the intent of etcd's wal_test.go. */
final class WalTest {
  @TempDir Path tmp;

  /** etcd's testdata/TestNew.wal: Create with metadata "somedata". */
  static final byte[] TEST_NEW_WAL =
      hex(
          "04 00 00 00 00 00 00 84 08 04 10 00 00 00 00 00"
              + "12 00 00 00 00 00 00 86 08 01 10 85 d4 fd a0 07 1a 08 73 6f 6d 65 64 61 74 61 00 00 00 00 00 00"
              + "0e 00 00 00 00 00 00 82 08 05 10 80 db 81 c1 01 1a 04 08 00 10 00 00 00");

  @Test
  void newWal() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, "somedata".getBytes(StandardCharsets.UTF_8))) {
      assertThat(w.tailName()).isEqualTo("0000000000000000-0000000000000000.wal");
    }
    Path seg = dir.resolve("0000000000000000-0000000000000000.wal");
    byte[] got = read(seg);
    assertThat(got).hasSize((int) WalOptions.SEGMENT_SIZE_BYTES);
    assertThat(Arrays.copyOf(got, TEST_NEW_WAL.length)).isEqualTo(TEST_NEW_WAL);
    for (int i = TEST_NEW_WAL.length; i < got.length; i += 4093) {
      assertThat(got[i]).as("byte %d of the preallocated tail", i).isZero();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(seg)))
        .isEqualTo("rw-------");
    assertThat(Files.exists(tmp.resolve("wal.tmp"))).isFalse();
  }

  @Test
  void newWal_nilMetadata_hasNoDataField() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      assertThat(w.tailName()).isNotNull();
    }
    byte[] got = read(dir.resolve(WalNames.walName(0, 0)));
    assertThat(Arrays.copyOfRange(got, 16, 32))
        .isEqualTo(hex("04 00 00 00 00 00 00 84 08 01 10 00 00 00 00 00"));
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThat(w.readAll().metadata()).isNull();
    }
  }

  @Test
  void createFailFromPollutedDir() throws IOException {
    Path dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    Files.write(dir.resolve("test.wal"), new byte[] {1});
    assertThatThrownBy(() -> Wal.create(dir, null, SMALL))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void newForInitedDir() throws IOException {
    Path dir = tmp.resolve("wal");
    Wal.create(dir, null, SMALL).close();
    assertThatThrownBy(() -> Wal.create(dir, null, SMALL))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void restartCreateWal() throws IOException {
    Path dir = tmp.resolve("wal");
    Path stale = tmp.resolve("wal.tmp");
    Files.createDirectories(stale);
    Files.write(stale.resolve("test"), new byte[] {1});
    try (Wal w = Wal.create(dir, "abc".getBytes(StandardCharsets.UTF_8), SMALL)) {
      assertThat(w.tailName()).isNotNull();
    }
    assertThat(Files.exists(stale)).isFalse();
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThat(new String(w.readAll().metadata(), StandardCharsets.UTF_8)).isEqualTo("abc");
    }
  }

  @Test
  void openAtIndex() throws IOException {
    Path dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    assertThatThrownBy(() -> Wal.open(dir, START, SMALL))
        .isInstanceOf(WalFileNotFoundException.class)
        .hasMessage("wal: file not found");

    Files.createFile(dir.resolve(WalNames.walName(2, 10)));
    assertThatThrownBy(() -> Wal.open(dir, at(5, 0), SMALL))
        .isInstanceOf(WalFileNotFoundException.class)
        .hasMessage("wal: file not found which matches the snapshot index '5'");
    try (Wal w = Wal.open(dir, at(10, 0), SMALL)) {
      assertThat(w.tailName()).isEqualTo(WalNames.walName(2, 10));
    }
    Files.createFile(dir.resolve(WalNames.walName(0, 0)));
    try (Wal w = Wal.open(dir, at(5, 0), SMALL)) {
      assertThat(w.lockedIndexes()).containsExactly(0L, 10L);
    }
  }

  @Test
  void searchIndexAndScanWalName() {
    List<String> names =
        List.of(WalNames.walName(0, 0), WalNames.walName(1, 12), WalNames.walName(2, 20));
    assertThat(WalNames.searchIndex(names, 13)).isEqualTo(1);
    assertThat(WalNames.searchIndex(names, 20)).isEqualTo(2);
    assertThat(WalNames.searchIndex(names.subList(1, 3), 5)).isEqualTo(-1);
    assertThat(WalNames.parse("0000000000000001-0000000000000021.wal"))
        .isEqualTo(new WalNames.Segment(1, 0x21));
    assertThat(WalNames.parse("0000000000000000-0000000000000000.snap")).isNull();
    assertThat(WalNames.parse("0000000000000000-0000000000000000.wal.broken")).isNull();
    assertThat(WalNames.isValidSeq(List.of(WalNames.walName(1, 0), WalNames.walName(3, 5))))
        .isFalse();
  }

  @Test
  void cut() throws IOException {
    Path dir = tmp.resolve("wal");
    HardState state = hs(1, 0, 0);
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(state, List.of());
      w.cut();
      assertThat(w.tailName()).isEqualTo(WalNames.walName(1, 1));

      w.save(state, List.of(entry(1, 1, "x")));
      w.cut();
      w.saveSnapshot(snap(1, 1));
      assertThat(w.tailName()).isEqualTo(WalNames.walName(2, 2));
    }
    // The new segment starts with a CRC record, the metadata and the hard state, and is durable.
    try (WalFs.WalFile f = NioWalFs.INSTANCE.open(dir.resolve(WalNames.walName(2, 2)), false)) {
      Decoder d = new Decoder(List.of(f));
      Decoder.Rec r = d.decode();
      assertThat(r.type).isEqualTo(Wal.CRC_TYPE);
      d.updateCrc(r.crc);
      assertThat(d.decode().type).isEqualTo(Wal.METADATA_TYPE);
      r = d.decode();
      assertThat(r.type).isEqualTo(Wal.STATE_TYPE);
      assertThat(r.parse(HardState.parser())).isEqualTo(state);
      r = d.decode();
      assertThat(r.type).isEqualTo(Wal.SNAPSHOT_TYPE);
      assertThat(r.parse(Snapshot.parser())).isEqualTo(snap(1, 1));
    }
    assertThat(walFiles(dir)).hasSize(3);
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void saveWithCut() throws IOException {
    Path dir = tmp.resolve("wal");
    HardState state = hs(1, 0, 0);
    List<Entry> all = new ArrayList<>();
    try (Wal w = Wal.create(dir, "metadata".getBytes(StandardCharsets.UTF_8), SMALL)) {
      w.save(state, List.of());
      for (int i = 1; i <= 60; i++) {
        Entry e = entry(i, 1, 100);
        all.add(e);
        w.save(HardState.getDefaultInstance(), List.of(e));
      }
    }
    List<String> files = walFiles(dir);
    assertThat(files.size()).isGreaterThan(2);
    assertThat(WalNames.isValidSeq(files)).isTrue();
    assertThat(files.get(1)).isEqualTo(WalNames.walName(1, WalNames.parse(files.get(1)).index()));
    // Closed segments are cut at their data: no preallocated tail.
    assertThat(Files.size(dir.resolve(files.get(0)))).isBetween(2048L, 2048L + 256);
    try (Wal w = Wal.open(dir, START, SMALL)) {
      WalContents c = w.readAll();
      assertThat(c.entries()).isEqualTo(all);
      assertThat(c.state()).isEqualTo(state);
      assertThat(new String(c.metadata(), StandardCharsets.UTF_8)).isEqualTo("metadata");
    }
  }

  @Test
  void saveEmpty() throws IOException {
    try (Wal w = Wal.create(tmp.resolve("wal"), null, SMALL)) {
      long off = w.tailOffset();
      w.save(HardState.getDefaultInstance(), List.of());
      assertThat(w.tailOffset()).isEqualTo(off);
    }
  }

  @Test
  void recover() throws IOException {
    for (int size : new int[] {100, 1 << 20, 5 << 20}) {
      Path dir = tmp.resolve("wal" + size);
      List<Entry> ents = List.of(entry(1, 1, size), entry(2, 2, size));
      List<HardState> states = List.of(hs(1, 1, 1), hs(2, 2, 2));
      try (Wal w = Wal.create(dir, "metadata".getBytes(StandardCharsets.UTF_8))) {
        w.saveSnapshot(at(0, 0));
        w.save(HardState.getDefaultInstance(), ents);
        for (HardState s : states) {
          w.save(s, List.of());
        }
      }
      try (Wal w = Wal.open(dir, START)) {
        WalContents c = w.readAll();
        assertThat(new String(c.metadata(), StandardCharsets.UTF_8)).isEqualTo("metadata");
        assertThat(c.entries()).isEqualTo(ents);
        assertThat(c.state()).isEqualTo(states.get(1));
      }
    }
  }

  /** Ten segments with a snapshot record each; segment 4 goes missing. */
  @Test
  void recoverAfterCut() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, "metadata".getBytes(StandardCharsets.UTF_8), SMALL)) {
      for (int i = 0; i < 10; i++) {
        w.saveSnapshot(snap(i, 1));
        w.save(HardState.getDefaultInstance(), List.of(entry(i, 1, null)));
        w.cut();
      }
    }
    Files.delete(dir.resolve(WalNames.walName(4, 4)));
    for (int i = 0; i < 10; i++) {
      int index = i;
      if (i <= 4) {
        assertThatThrownBy(() -> Wal.open(dir, at(index, 1), SMALL))
            .isInstanceOf(WalFileNotFoundException.class)
            .hasMessageContaining("do not increase continuously");
        continue;
      }
      try (Wal w = Wal.open(dir, at(i, 1), SMALL)) {
        WalContents c = w.readAll();
        assertThat(c.entries()).hasSize(9 - i);
        for (int j = 0; j < c.entries().size(); j++) {
          assertThat(c.entries().get(j).getIndex()).isEqualTo(i + 1 + j);
        }
      }
    }
  }

  @Test
  void openAtUncommittedIndex() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.saveSnapshot(at(0, 0));
      w.save(HardState.getDefaultInstance(), List.of(entry(0, 0, null)));
    }
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThat(w.readAll().entries()).isEmpty();
    }
  }

  @Test
  void openWithMaxIndex() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(
          HardState.getDefaultInstance(),
          List.of(entry(1, 1, null), entry(Long.MAX_VALUE, 1, null)));
    }
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOfSatisfying(EntryGapException.class, e -> assertThat(e.entries()).hasSize(1))
          .hasMessageStartingWith("wal: slice bounds out of range");
    }
  }

  @Test
  void readAll_conflictingSuffix_isReplaced() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(hs(1, 1, 0), List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")));
      w.save(hs(2, 2, 1), List.of(entry(2, 2, "B")));
    }
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThat(w.readAll().entries()).containsExactly(entry(1, 1, "a"), entry(2, 2, "B"));
    }
  }

  /** A new leader overwrote entry 2 after 3 and 4 were written; a snapshot at 2 followed. */
  @Test
  void readAll_overwriteAtOrBeforeSnapshot_dropsStaleSuffix() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(
          hs(1, 1, 1),
          List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c"), entry(4, 1, "d")));
      w.save(hs(2, 2, 2), List.of(entry(2, 2, "B")));
      w.saveSnapshot(snap(2, 2));
    }
    try (Wal w = Wal.open(dir, at(2, 2), SMALL)) {
      // 3 and 4 of term 1 were cut off by the overwrite; nothing follows the snapshot
      assertThat(w.readAll().entries()).isEmpty();
    }
  }

  @Test
  void readAll_snapshotNotFound_andMismatch() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(hs(1, 1, 2), List.of(entry(1, 1, "a"), entry(2, 1, "b"), entry(3, 1, "c")));
      w.saveSnapshot(snap(2, 1));
    }
    try (Wal w = Wal.open(dir, at(1, 1), SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOfSatisfying(
              SnapshotNotFoundException.class,
              e ->
                  assertThat(e.contents().entries())
                      .extracting(Entry::getIndex)
                      .containsExactly(2L, 3L));
      // still appendable, as in etcd
      w.save(hs(1, 1, 3), List.of(entry(4, 1, "d")));
    }
    try (Wal w = Wal.open(dir, at(2, 5), SMALL)) {
      assertThatThrownBy(w::readAll).isInstanceOf(SnapshotMismatchException.class);
    }
    try (Wal w = Wal.open(dir, at(2, 1), SMALL)) {
      assertThat(w.readAll().entries()).extracting(Entry::getIndex).containsExactly(3L, 4L);
    }
  }

  @Test
  void readAll_metadataConflict() throws IOException {
    Path dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    try (WalFs.WalFile f = NioWalFs.INSTANCE.open(dir.resolve(WalNames.walName(0, 0)), true)) {
      Encoder e = new Encoder(f, 0, 0);
      e.encodeCrc(0);
      e.encode(Wal.METADATA_TYPE, "one".getBytes(StandardCharsets.UTF_8));
      e.encode(Wal.SNAPSHOT_TYPE, at(0, 0));
      e.encode(Wal.METADATA_TYPE, "two".getBytes(StandardCharsets.UTF_8));
      e.flush();
    }
    try (Wal w = Wal.openForRead(dir, START, SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOf(MetadataConflictException.class)
          .hasMessageStartingWith("wal: conflicting metadata found");
    }
    assertThatThrownBy(() -> Wal.verify(dir, START)).isInstanceOf(MetadataConflictException.class);
  }

  @Test
  void readAllFail() throws IOException {
    try (Wal w = Wal.create(tmp.resolve("wal"), null, SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("wal: decoder not found");
    }
  }

  @Test
  void openForRead() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      for (int i = 0; i < 10; i++) {
        w.save(HardState.getDefaultInstance(), List.of(entry(i + 1, 1, 100)));
      }
      w.releaseLockTo(5);
      // a reader needs no locks while the writer holds them
      try (Wal r = Wal.openForRead(dir, START, SMALL)) {
        assertThat(r.readAll().entries()).hasSize(10);
      }
    }
  }

  @Test
  @SuppressWarnings("try") // the WAL is held open, and locked, only for the block
  void open_lockedByAnotherWal_namesHolder() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      assertThatThrownBy(() -> Wal.open(dir, START, SMALL))
          .isInstanceOf(FileLockedException.class)
          .hasMessageContaining("fileutil: file already locked")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }
    Wal.open(dir, START, SMALL).close();
  }

  /**
   * Closing any descriptor of a file drops every POSIX lock the process holds on it, so neither a
   * refused second open nor a reader in the same JVM may open a locked segment anew: the kernel's
   * lock table must still show this process holding every segment the writer locked.
   */
  @Test
  void segmentLocks_surviveARefusedOpenAndReadersInTheSameJvm() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isReadable(Path.of("/proc/locks")), "needs Linux /proc/locks");
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, 10)));
      Path seg = lastWal(dir);
      assertThat(posixLockPids(seg)).contains(ProcessHandle.current().pid());

      assertThatThrownBy(() -> Wal.open(dir, START, SMALL)).isInstanceOf(FileLockedException.class);
      try (Wal r = Wal.openForRead(dir, START, SMALL)) {
        assertThat(r.readAll().entries()).hasSize(1);
      }
      assertThat(Wal.verify(dir, START)).isEqualTo(hs(1, 1, 1));
      assertThat(Wal.repair(dir)).isFalse();

      assertThat(posixLockPids(seg)).contains(ProcessHandle.current().pid());
      w.save(hs(1, 1, 2), List.of(entry(2, 1, 10)));
    }
    assertThat(posixLockPids(lastWal(dir))).doesNotContain(ProcessHandle.current().pid());
  }

  /** The pids holding POSIX locks on {@code file}, from /proc/locks. */
  private static List<Long> posixLockPids(Path file) throws IOException {
    String inode = ":" + Files.getAttribute(file, "unix:ino");
    List<Long> pids = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 6 && f[1].equals("POSIX") && f[5].endsWith(inode)) {
        pids.add(Long.parseLong(f[4]));
      }
    }
    return pids;
  }

  @Test
  void verify() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      for (int i = 0; i < 5; i++) {
        w.save(HardState.getDefaultInstance(), List.of(entry(i, 1, 10)));
        w.cut();
      }
      w.save(hs(1, 1, 1), List.of());
    }
    assertThat(Wal.verify(dir, START)).isEqualTo(hs(1, 1, 1));

    truncate(dir.resolve(walFiles(dir).get(1)), 0);
    assertThatThrownBy(() -> Wal.verify(dir, START)).isInstanceOf(CrcMismatchException.class);
  }

  @Test
  void validSnapshotEntries() throws IOException {
    Path dir = tmp.resolve("wal");
    Snapshot snap0 = at(0, 0);
    Snapshot snap1 = snap(1, 1);
    Snapshot snap2 = snap(2, 1);
    Snapshot snap3 = snap(3, 2);
    Snapshot snap4 = snap(4, 2);
    Snapshot snap5 = snap(5, 2);
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.saveSnapshot(snap1);
      w.save(hs(1, 1, 1), List.of());
      w.saveSnapshot(snap2);
      w.save(hs(2, 1, 2), List.of());
      w.saveSnapshot(snap3);
      w.cut();
      w.save(hs(2, 1, 3), List.of());
      w.saveSnapshot(snap4); // written ahead of a commit that never came
      w.saveSnapshot(snap5);
    }
    assertThat(Wal.validSnapshotEntries(dir)).containsExactly(snap0, snap1, snap2, snap3);
  }

  @Test
  void validSnapshotEntriesAfterPurgeWal() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.saveSnapshot(snap(1, 1));
      w.save(hs(1, 1, 1), List.of());
      w.cut();
      w.saveSnapshot(snap(2, 1));
      w.save(hs(2, 1, 2), List.of());
      w.cut();
      w.saveSnapshot(snap(3, 2));
      w.save(hs(2, 1, 3), List.of());
    }
    Files.delete(dir.resolve(walFiles(dir).get(0)));
    assertThat(Wal.validSnapshotEntries(dir)).containsExactly(snap(2, 1), snap(3, 2));
  }

  @Test
  void openOnTornWrite() throws IOException {
    Path dir = tmp.resolve("wal");
    int maxEntries = 40;
    int clobberIdx = 20;
    long[] offsets = new long[maxEntries];
    try (Wal w = Wal.create(dir, null)) {
      for (int i = 0; i < maxEntries; i++) {
        w.save(HardState.getDefaultInstance(), List.of(entry(i + 1, 1, null)));
        offsets[i] = w.tailOffset();
      }
    }
    Path seg = lastWal(dir);
    // Zero the clobbered entry; the entries after it stay as non-zero garbage.
    writeAt(
        seg,
        offsets[clobberIdx - 1],
        new byte[(int) (offsets[clobberIdx] - offsets[clobberIdx - 1])]);
    try (Wal w = Wal.open(dir, START)) {
      WalContents c = readAllIgnoringSnapshot(w);
      assertThat(c.entries()).hasSize(clobberIdx);
      for (int i = 0; i < 5; i++) {
        w.save(HardState.getDefaultInstance(), List.of(entry(clobberIdx + i + 1, 1, null)));
      }
    }
    try (Wal w = Wal.open(dir, START)) {
      WalContents c = readAllIgnoringSnapshot(w);
      assertThat(c.entries()).hasSize(clobberIdx + 5);
    }
  }

  @Test
  @SuppressWarnings(
      "try") // closes the WAL inside the block, to damage its file before the next open
  void tailWriteNoSlackSpace() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      for (int i = 1; i <= 5; i++) {
        w.save(hs(1, 1, i), List.of(entry(i, 1, "data")));
      }
      long end = w.tailOffset();
      w.close();
      truncate(lastWal(dir), end);
    }
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThat(w.readAll().entries()).hasSize(5);
      for (int i = 6; i <= 10; i++) {
        w.save(hs(1, 1, i), List.of(entry(i, 1, "data")));
      }
    }
    try (Wal w = Wal.open(dir, START, SMALL)) {
      WalContents c = w.readAll();
      assertThat(c.entries()).hasSize(10);
      assertThat(c.state()).isEqualTo(hs(1, 1, 10));
    }
  }

  @Test
  @SuppressWarnings(
      "try") // closes the WAL inside the block, to damage its file before the next open
  void lastRecordLengthExceedFileEnd() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a")));
      long end = w.tailOffset();
      w.close();
      // A frame claiming 1000 bytes, with only a few behind it.
      writeAt(lastWal(dir), end, hex("e8 03 00 00 00 00 00 00 08 02 10 01 1a 02 0a 0b"));
      truncate(lastWal(dir), end + 16);
    }
    try (Wal w = Wal.open(dir, START, SMALL)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOf(TornTailException.class)
          .hasMessageContaining("max entry size limit exceeded");
    }
    try (Wal w = Wal.openForRead(dir, START, SMALL)) {
      assertThat(w.readAll().entries()).hasSize(1);
    }
  }

  @Test
  void releaseLockTo() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      // segments starting at 0, 1, ..., 10
      for (int i = 0; i < 10; i++) {
        w.cut();
        w.save(HardState.getDefaultInstance(), List.of(entry(i + 1, 1, null)));
      }
      assertThat(w.lockedIndexes()).hasSize(11);
      w.releaseLockTo(5);
      assertThat(w.lockedIndexes()).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
      w.releaseLockTo(15);
      assertThat(w.lockedIndexes()).containsExactly(10L);
      assertThat(WalPurger.purge(dir, 1)).hasSize(10);
      assertThat(walFiles(dir)).containsExactly(WalNames.walName(10, 10));
    }
  }

  @Test
  void purge_stopsAtLockedSegment() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      for (int i = 0; i < 6; i++) {
        w.save(HardState.getDefaultInstance(), List.of(entry(i + 1, 1, null)));
        w.cut();
      }
      w.releaseLockTo(4);
      assertThat(WalPurger.purge(dir, 1))
          .containsExactly(WalNames.walName(0, 0), WalNames.walName(1, 2));
      assertThat(walFiles(dir)).hasSize(5);
    }
  }

  @Test
  @SuppressWarnings("try") // the WAL is held open, and locked, only for the block
  void purge_lockedByThisProcess_keepsTheOsLock() throws IOException {
    Path procLocks = Path.of("/proc/locks");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(procLocks), "needs /proc/locks");
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      Path first = dir.resolve(WalNames.walName(0, 0));
      long inode = ((Number) Files.getAttribute(first, "unix:ino")).longValue();
      assertThat(osLockHeld(procLocks, inode)).as("the writer's lock, before the purge").isTrue();

      assertThat(WalPurger.purge(dir, 0)).isEmpty();

      // A purger that opened the file to try its lock would drop the writer's lock on close.
      assertThat(osLockHeld(procLocks, inode)).as("the writer's lock, after the purge").isTrue();
    }
  }

  /** Whether this process holds a lock on the file with {@code inode}, per /proc/locks. */
  private static boolean osLockHeld(Path procLocks, long inode) throws IOException {
    String pid = Long.toString(ProcessHandle.current().pid());
    for (String line : Files.readAllLines(procLocks)) {
      String[] f = line.trim().split("\\s+");
      // "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
      if (f.length >= 6 && f[4].equals(pid) && f[5].endsWith(":" + inode)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void saveSnapshot_withoutConfState_isRejected() throws IOException {
    try (Wal w = Wal.create(tmp.resolve("wal"), null, SMALL)) {
      assertThatThrownBy(() -> w.saveSnapshot(at(5, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("missing ConfState");
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
