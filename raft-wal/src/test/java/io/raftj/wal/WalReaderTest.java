package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WalReaderTest {
  @TempDir Path tmp;

  private long end;

  private Path twoEntries() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, "meta".getBytes(StandardCharsets.UTF_8))) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a"), entry(2, 1, "b")));
      end = w.tailOffset();
    }
    return dir;
  }

  @Test
  void records_comeWithSegmentOffsetTypeAndCrcStatus() throws IOException {
    Path dir = twoEntries();
    List<WalRecord> recs = new ArrayList<>();
    try (WalReader r = WalReader.open(dir)) {
      assertThat(r.segments())
          .extracting(WalSegment::seq, WalSegment::firstIndex)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 0L));
      assertThat(r.sequenceIsContinuous()).isTrue();
      for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
        recs.add(rec);
      }
      assertThat(r.next()).isNull();
    }
    assertThat(recs)
        .extracting(WalRecord::typeName)
        .containsExactly("crc", "metadata", "snapshot", "entry", "entry", "state");
    assertThat(recs).allMatch(WalRecord::crcValid);
    assertThat(recs.get(0).offset()).isZero();
    for (int i = 1; i < recs.size(); i++) {
      assertThat(recs.get(i).offset()).isGreaterThan(recs.get(i - 1).offset());
      assertThat(recs.get(i).offset() % 8).as("frames are 8-byte aligned").isZero();
    }
    assertThat(recs.get(1).data().toStringUtf8()).isEqualTo("meta");
    assertThat(recs.get(4).entry().getData().toStringUtf8()).isEqualTo("b");
    assertThat(recs.get(5).hardState()).isEqualTo(hs(1, 1, 1));
    assertThat(recs.get(2).snapshotMarker().getIndex()).isZero();
    assertThatThrownBy(() -> recs.get(3).hardState())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a entry record, not state");
  }

  /** Reading changes nothing: not the bytes, not the names, not the times, not the modes. */
  @Test
  void reading_writesNothing() throws IOException {
    Path dir = twoEntries();
    Path seg = lastWal(dir);
    truncate(seg, end - 3); // a torn tail, which an open for writing would repair
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    Files.setPosixFilePermissions(seg, PosixFilePermissions.fromString("r--r--r--"));
    Files.setLastModifiedTime(seg, FileTime.fromMillis(1_000_000));
    byte[] before = read(seg);
    List<String> namesBefore = walFiles(dir);
    try {
      try (WalReader r = WalReader.open(dir)) {
        assertThatThrownBy(
                () -> {
                  while (r.next() != null) {
                    // read to the end
                  }
                })
            .isInstanceOf(TornTailException.class);
        assertThat(r.next()).isNull();
      }
      assertThat(read(seg)).isEqualTo(before);
      assertThat(walFiles(dir)).isEqualTo(namesBefore);
      try (var s = Files.list(dir)) {
        assertThat(s.count()).isEqualTo(1); // no lock file, no tmp file
      }
      assertThat(Files.getLastModifiedTime(seg).toMillis()).isEqualTo(1_000_000);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("r-xr-xr-x");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** The class Javadoc's example, line for line (DocSnippetsTest holds the two together). */
  @Test
  void javadocExample_runs() throws IOException {
    Path walDir = twoEntries();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      try (WalReader r = WalReader.open(walDir)) {
        for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
          System.out.println(
              rec.segment() + "@" + rec.offset() + " " + rec.typeName() + " " + rec.crcValid());
        }
      }
    } finally {
      System.setOut(saved);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8).lines())
        .hasSize(6)
        .first()
        .isEqualTo("0000000000000000-0000000000000000.wal@0 crc true");
  }

  /** A user can end a segment early; the reader follows the chain into the next one. */
  @Test
  void cut_startsASegmentTheReaderFollows() throws IOException {
    Path dir = tmp.resolve("wal");
    try (Wal w = Wal.create(dir, null)) {
      w.save(hs(1, 1, 1), List.of(entry(1, 1, "a")));
      w.cut();
      w.save(hs(1, 1, 2), List.of(entry(2, 1, "b")));
    }
    try (WalReader r = WalReader.open(dir)) {
      assertThat(r.segments())
          .extracting(WalSegment::seq, WalSegment::firstIndex)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(0L, 0L),
              org.assertj.core.groups.Tuple.tuple(1L, 2L));
      List<String> seen = new ArrayList<>();
      for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
        assertThat(rec.crcValid()).as(rec.toString()).isTrue();
        seen.add(rec.segment().substring(15, 16) + ":" + rec.typeName());
      }
      assertThat(seen).containsSubsequence("0:entry", "1:crc", "1:entry");
    }
    try (Wal w = Wal.openForRead(dir, WalSnapshots.start())) {
      assertThat(w.readAll().entries()).hasSize(2);
    }
  }
}
