package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.HardState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WalDumpTest {
  @TempDir Path tmp;

  static String dump(Path dir, boolean entriesOnly, long from, boolean wantOk) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean ok = WalDump.dump(dir, new PrintStream(buf, true, StandardCharsets.UTF_8), entriesOnly, from);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(out).isEqualTo(wantOk);
    return out;
  }

  @Test
  void etcdFixture_showsEntriesStatesAndVerdict() throws IOException {
    Path dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    try (InputStream in = getClass().getResourceAsStream("/etcd-3.4-wal/" + EtcdCompatibilityTest.SEGMENT)) {
      Files.copy(in, dir.resolve(EtcdCompatibilityTest.SEGMENT));
    }
    String out = dump(dir, false, 0, true);
    assertThat(out).contains("seq=0 first-index=0 size=1008", "snapshot  index=0 term=0",
        "entry     index=1 term=1 type=EntryConfChange", "verdict: OK");
    assertThat(out.lines().filter(l -> l.startsWith("  0000") && l.contains(" entry "))).hasSize(8);
    assertThat(out.lines().filter(l -> l.startsWith("  0000") && l.contains(" state "))).hasSize(8);

    String entries = dump(dir, true, 6, true);
    assertThat(entries.lines().filter(l -> l.matches("^2 +[0-9]+ +EntryNormal +[0-9]+$")))
        .extracting(l -> l.split(" +")[1]).containsExactly("6", "7", "8");
  }

  @Test
  @SuppressWarnings("try") // closes the WAL inside the block, to damage its file before the next open
  void tornAndCorruptLogs_getTheirVerdicts() throws IOException {
    Path dir = tmp.resolve("wal");
    long end;
    try (Wal w = Wal.create(dir, null, SMALL)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "aaaaaaaa"), entry(2, 1, "bbbbbbbb")));
      end = w.tailOffset();
      w.close();
    }
    truncate(lastWal(dir), end - 3);
    assertThat(dump(dir, false, 0, false)).contains("verdict: TORN TAIL (repairable");
    assertThat(Wal.repair(dir)).isTrue();
    assertThat(dump(dir, false, 0, true)).contains("verdict: OK");

    writeAt(lastWal(dir), 50, new byte[] {0x7f}); // inside the snapshot record's data
    String out = dump(dir, false, 0, false);
    assertThat(out).contains("error: walpb: crc mismatch", "verdict: CORRUPT");
  }
}
