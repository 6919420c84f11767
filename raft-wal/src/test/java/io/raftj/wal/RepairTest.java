package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ports the intent of etcd's repair_test.go. */
final class RepairTest {
  @TempDir Path tmp;

  interface Corrupt {
    void apply(Path lastSegment, long offset) throws IOException;
  }

  @Test
  void repairTruncate() throws IOException {
    testRepair(makeEnts(10), (p, off) -> truncate(p, off - 4), 9);
  }

  @Test
  void repairWriteTearLast() throws IOException {
    testRepair(
        makeEnts(50),
        (p, off) -> {
          assertThat(off).isGreaterThan(1024);
          truncate(p, 1024);
          truncate(p, off);
        },
        40);
  }

  @Test
  void repairWriteTearMiddle() throws IOException {
    byte[] data = new byte[4096];
    java.util.Arrays.fill(data, (byte) 'a');
    List<List<Entry>> ents = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ents.add(List.of(Entry.newBuilder().setIndex(i).setData(ByteString.copyFrom(data)).build()));
    }
    testRepair(ents, (p, off) -> writeAt(p, 4096 + 512, new byte[512]), 1);
  }

  @Test
  void repairFailDeleteDir() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(HardState.getDefaultInstance(), List.of(entry(1, 1, "a")));
    }
    NioWalFs.INSTANCE.deleteRecursively(dir);
    assertThat(Wal.repair(dir)).isFalse();
  }

  @Test
  void repair_realCorruption_isRefused() throws IOException {
    Path dir = tmp.resolve("wal");
    long off;
    try (Wal w = Wal.create(dir, null)) {
      w.save(HardState.getDefaultInstance(), List.of(entry(1, 1, "aaaa"), entry(2, 1, "bbbb")));
      off = w.tailOffset();
    }
    writeAt(
        lastWal(dir),
        off - 6,
        new byte[] {(byte) 0xff}); // inside the last record's data, not its padding
    try (Wal w = Wal.open(dir, START)) {
      assertThatThrownBy(w::readAll)
          .isInstanceOf(CrcMismatchException.class)
          .hasMessageContaining("0000000000000000-0000000000000000.wal")
          .hasMessageContaining("at position:");
    }
    assertThat(Wal.repair(dir)).isFalse();
  }

  private void testRepair(List<List<Entry>> ents, Corrupt corrupt, int expectedEnts)
      throws IOException {
    Path dir = tmp.resolve("wal");
    long offset;
    try (Wal w = Wal.create(dir, null)) {
      for (List<Entry> es : ents) {
        w.save(HardState.getDefaultInstance(), es);
      }
      offset = w.tailOffset();
    }
    Path last = lastWal(dir);
    corrupt.apply(last, offset);

    try (Wal w = Wal.open(dir, START)) {
      assertThatThrownBy(w::readAll).isInstanceOf(TornTailException.class);
    }
    assertThat(Wal.repair(dir)).isTrue();
    Path broken = last.resolveSibling(last.getFileName() + ".broken");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(broken)))
        .isEqualTo("rw-------");

    try (Wal w = Wal.open(dir, START)) {
      assertThat(readAllIgnoringSnapshot(w).entries()).hasSize(expectedEnts);
      for (int i = 1; i <= 10; i++) {
        w.save(
            HardState.getDefaultInstance(),
            List.of(Entry.newBuilder().setIndex(expectedEnts + i).build()));
      }
    }
    try (Wal w = Wal.open(dir, START)) {
      assertThat(readAllIgnoringSnapshot(w).entries()).hasSize(expectedEnts + 10);
    }
  }
}
