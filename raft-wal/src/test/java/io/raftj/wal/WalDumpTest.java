package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

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
    boolean ok =
        WalDump.dump(dir, new PrintStream(buf, true, StandardCharsets.UTF_8), entriesOnly, from);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(out).isEqualTo(wantOk);
    return out;
  }

  @Test
  void etcdFixture_showsEntriesStatesAndVerdict() throws IOException {
    Path dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    try (InputStream in =
        getClass().getResourceAsStream("/etcd-3.4-wal/" + EtcdCompatibilityTest.SEGMENT)) {
      Files.copy(in, dir.resolve(EtcdCompatibilityTest.SEGMENT));
    }
    String out = dump(dir, false, 0, true);
    assertThat(out)
        .contains(
            "seq=0 first-index=0 size=1008",
            "snapshot  index=0 term=0",
            "entry     index=1 term=1 type=EntryConfChange",
            "verdict: OK");
    assertThat(out.lines().filter(l -> l.startsWith("  0000") && l.contains(" entry "))).hasSize(8);
    assertThat(out.lines().filter(l -> l.startsWith("  0000") && l.contains(" state "))).hasSize(8);

    String entries = dump(dir, true, 6, true);
    assertThat(entries.lines().filter(l -> l.matches("^2 +[0-9]+ +EntryNormal +[0-9]+$")))
        .extracting(l -> l.split(" +")[1])
        .containsExactly("6", "7", "8");
  }

  @Test
  @SuppressWarnings(
      "try") // closes the WAL inside the block, to damage its file before the next open
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
    assertThat(out).contains("error: crc mismatch (snapshot record stores", "verdict: CORRUPT");
  }

  /** Runs the command line as bin/wal-dump does; returns exit status, stdout and stderr. */
  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        WalDump.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path logOf(int entries) throws IOException {
    Path dir = tmp.resolve("data").resolve("wal");
    try (Wal w = Wal.create(dir, null)) {
      for (int i = 1; i <= entries; i++) {
        w.save(hs(1, 1, i), List.of(entry(i, 1, "command-" + i)));
      }
    }
    return dir;
  }

  @Test
  void help_printsUsageAndExitsZero() {
    Run r = run("--help");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .startsWith("usage: wal-dump")
        .contains("member/wal", "--entries-only", "Exit status");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void badArguments_areUsageErrorsNotStackTraces() {
    for (String[] args :
        List.of(
            new String[] {"--from", "abc", "x"},
            new String[] {"--from"},
            new String[] {"--bogus"},
            new String[] {},
            new String[] {"a", "b"})) {
      Run r = run(args);
      assertThat(r.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err())
          .startsWith("wal-dump: ")
          .contains("usage: wal-dump")
          .doesNotContain("Exception", "\tat ");
    }
    assertThat(run("--from", "abc", "x").err())
        .contains("--from needs an index (a non-negative integer), not \"abc\"");
  }

  @Test
  void missingOrWrongDirectory_isNamedWithAHint() throws IOException {
    Run missing = run(tmp.resolve("nope").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo("wal-dump: no such directory: " + tmp.resolve("nope") + "\n");

    Path wal = logOf(2);
    Run parent = run(wal.getParent().toString());
    assertThat(parent.status()).isEqualTo(2);
    assertThat(parent.err())
        .contains("no .wal files in " + wal.getParent(), "looks like a data directory: try " + wal);

    Path etcd = tmp.resolve("etcd-data");
    Files.createDirectories(etcd.resolve("member"));
    Files.move(wal.getParent().resolve("wal"), etcd.resolve("member").resolve("wal"));
    assertThat(run(etcd.toString()).err())
        .contains(
            "looks like an etcd data directory: try " + etcd.resolve("member").resolve("wal"));
    assertThat(run(etcd.resolve("member").resolve("wal").toString()).status()).isZero();
  }

  /** A flipped byte in one entry is one fault: the chain picks up again after it. */
  @Test
  void oneFlippedByte_isOneErrorLineAndTheRestChecksOut() throws IOException {
    Path dir = logOf(300);
    byte[] b = read(lastWal(dir));
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("command-150");
    writeAt(lastWal(dir), at + 3, new byte[] {'X'});

    Run r = run(dir.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out().lines().filter(l -> l.contains("error:")))
        .hasSize(1)
        .allMatch(l -> l.contains("crc mismatch (entry record stores"));
    String verdict =
        r.out().lines().filter(l -> l.startsWith("verdict:")).findFirst().orElseThrow();
    // 300 entries and 300 states; the fault is the entry 150, after it 150 states and 150 entries
    assertThat(verdict)
        .startsWith("verdict: CORRUPT (crc mismatch (entry record stores")
        .contains("after it 301 records, 301 of them intact)");
  }

  /** Bytes that were never a WAL are corruption, not a torn tail that a repair would "fix". */
  @Test
  void garbageFromOffsetZero_isCorruptNotTorn() throws IOException {
    Path dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    byte[] junk = new byte[4096];
    new java.util.Random(7).nextBytes(junk);
    Files.write(dir.resolve("0000000000000000-0000000000000000.wal"), junk);
    Run r = run(dir.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "verdict: CORRUPT (no readable record in 0000000000000000-0000000000000000.wal"
                + " from offset 0: not a WAL segment, or overwritten from its start");
    assertThat(r.out()).doesNotContain("TORN TAIL");
  }

  /** A frame whose bytes are no record: one fault, the chain restarts at the record after it. */
  @Test
  void unreadableFrame_isOneFaultAndTheReadingGoesOn() throws IOException {
    Path dir = logOf(10);
    long at = -1;
    try (WalReader r = WalReader.open(dir)) {
      for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
        if (rec.type() == Wal.ENTRY_TYPE && rec.entry().getIndex() == 5) {
          at = rec.offset();
        }
      }
    }
    writeAt(lastWal(dir), at + 8, new byte[] {(byte) 0xff}); // the record's first tag
    Run r = run(dir.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out().lines().filter(l -> l.contains("error:")))
        .containsExactly(
            "  error: unreadable frame (not a walpb.Record) at 0000000000000000-0000000000000000.wal@"
                + at);
    // after it: the state of 5, then entries and states 6..10
    assertThat(r.out())
        .contains(
            "after it 11 records, 10 of them intact, 1 unverifiable (the chain restarts there))");
    assertThat(r.out()).contains("entry     index=10 term=1");
  }
}
