package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Damages a small log at every byte: truncated at each offset, and with one bit flipped in each
 * byte. Every case must end either reported (an exception) or recovered to the original log or,
 * through one repair, to a prefix of its entries; never to different data.
 */
final class CorruptionTest {
  static final Path DIR = Path.of("/c/wal");
  static final String SEGMENT = WalNames.walName(0, 0);

  static byte[] image;
  static List<Entry> entries;
  static HardState lastState;

  /** A one-segment log: header, six entries across three saves with hard states, cut at its end. */
  @BeforeAll
  static void writeLog() throws IOException {
    CrashFs fs = new CrashFs();
    WalOptions o = WalOptions.DEFAULT.withSegmentSizeBytes(4096).withFs(fs);
    entries = new ArrayList<>();
    long end;
    try (Wal w = Wal.create(DIR, "meta".getBytes(StandardCharsets.UTF_8), o)) {
      for (int s = 0; s < 3; s++) {
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          long index = entries.size() + 1;
          batch.add(
              Entry.newBuilder()
                  .setTerm(1)
                  .setIndex(index)
                  .setData(
                      ByteString.copyFromUtf8("value-" + index + "-" + "x".repeat((int) index * 7)))
                  .build());
          entries.add(batch.get(i));
        }
        lastState = HardState.newBuilder().setTerm(1).setVote(1).setCommit(entries.size()).build();
        w.save(lastState, batch);
      }
      end = w.tailOffset();
    }
    image = Arrays.copyOf(fs.contents(DIR.resolve(SEGMENT)), (int) end);
    assertThat(image.length).isBetween(300, 1000);
  }

  enum Outcome {
    INTACT,
    PREFIX,
    REPAIRED_PREFIX,
    REPORTED,
    MISREAD
  }

  @Test
  void truncatedAtEveryOffset_isRepairedToAPrefix() throws IOException {
    int[] counts = new int[Outcome.values().length];
    for (int len = 0; len <= image.length; len++) {
      Outcome o = recover(Arrays.copyOf(image, len), "truncated to " + len);
      counts[o.ordinal()]++;
      assertThat(o).as("truncated to %d", len).isNotEqualTo(Outcome.MISREAD);
      if (len > 64) {
        // past the header only the entries or state can be missing: always repairable
        assertThat(o).as("truncated to %d", len).isNotEqualTo(Outcome.REPORTED);
      }
    }
    assertThat(counts[Outcome.INTACT.ordinal()]).isEqualTo(1);
    assertThat(counts[Outcome.REPAIRED_PREFIX.ordinal()]).isGreaterThan(image.length / 2);
  }

  @Test
  void bitFlippedInEveryByte_isReportedOrRepaired_neverMisread() throws IOException {
    int[] counts = new int[Outcome.values().length];
    List<Integer> typeBytes = typeByteOffsets();
    int misreadTypeFlips = 0;
    for (int i = 0; i < image.length; i++) {
      for (int bit = 0; bit < 8; bit += 3) {
        byte[] b = image.clone();
        b[i] ^= (byte) (1 << bit);
        Outcome o = recover(b, "bit " + bit + " of byte " + i + " flipped");
        counts[o.ordinal()]++;
        if (o == Outcome.MISREAD) {
          // etcd's CRC covers a record's data, not its type: a flip that turns one valid type
          // into another (state <-> entry, crc <-> snapshot) can go unseen. Only those may misread.
          assertThat(typeBytes).as("bit %d of byte %d flipped, misread", bit, i).contains(i);
          misreadTypeFlips++;
        }
      }
    }
    System.out.printf(
        "CorruptionTest bit flips: %s, misread through the record type byte: %d%n",
        Arrays.toString(counts), misreadTypeFlips);
    // Most flips are caught by the CRC chain; the rest land in bytes the format does not read
    // (padding) or in the last record, which is then cut as torn.
    assertThat(counts[Outcome.REPORTED.ordinal()]).isGreaterThan(counts[Outcome.INTACT.ordinal()]);
  }

  /**
   * A flipped bit inside a record whose sectors all hold data cannot be a torn write (a torn write
   * leaves a sector of zeros): it must be reported as corruption, and repair must refuse to cut the
   * log there, whichever record it hits, the last one included.
   */
  @Test
  void bitFlippedInsideAWrittenRecord_isCorruption_neverATornTail() throws IOException {
    int checked = 0;
    int off = 0;
    while (off + 8 <= image.length) {
      long l = ByteBuffer.wrap(image, off, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      int rec = (int) (l & 0xffffffffffffffL);
      int pad = l < 0 ? (int) ((l >>> 56) & 7) : 0;
      int body = off + 8;
      int end = body + rec + pad;
      // Only records within one sector: padding alone past a sector boundary reads as a zero
      // sector.
      if (body / CrashFs.SECTOR == (end - 1) / CrashFs.SECTOR) {
        for (int i = body + 2; i < body + rec; i++) { // past the tag and type bytes
          byte[] b = image.clone();
          b[i] ^= 0x10;
          if (sameRecord(b, body, rec)) {
            continue; // e.g. bits past 32 of the CRC's varint, which a uint32 drops: no damage
          }
          assertThat(openDamaged(b))
              .as("byte %d of the record at %d flipped", i, off)
              .isInstanceOf(WalCorruptionException.class);
          checked++;
        }
      }
      off = end;
    }
    assertThat(checked).isGreaterThan(image.length / 2);
  }

  private static boolean sameRecord(byte[] damaged, int body, int len) {
    try {
      return io.raftj.wal.walpb.Record.parseFrom(ByteBuffer.wrap(damaged, body, len))
          .equals(io.raftj.wal.walpb.Record.parseFrom(ByteBuffer.wrap(image, body, len)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** What opening and reading a log holding {@code segment} throws, and whether repair cuts it. */
  private static Exception openDamaged(byte[] segment) throws IOException {
    CrashFs fs = new CrashFs();
    fs.createDirectories(DIR);
    try (WalFs.WalFile f = fs.open(DIR.resolve(SEGMENT), true)) {
      f.write(ByteBuffer.wrap(segment), 0);
      f.force();
    }
    WalOptions o = WalOptions.DEFAULT.withSegmentSizeBytes(4096).withFs(fs);
    try (Wal w = Wal.open(DIR, START, o)) {
      w.readAll();
      return null;
    } catch (IOException e) {
      assertThat(Wal.repair(DIR, o)).as("repair of %s", e.getMessage()).isFalse();
      assertThat(fs.contents(DIR.resolve(SEGMENT))).as("left as it was").isEqualTo(segment);
      return e;
    }
  }

  /** Offsets of each record's type varint: frame start + 8 (length) + 1 (tag). */
  static List<Integer> typeByteOffsets() {
    List<Integer> out = new ArrayList<>();
    int off = 0;
    while (off + 8 <= image.length) {
      long l = ByteBuffer.wrap(image, off, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      int rec = (int) (l & 0xffffffffffffffL);
      int pad = l < 0 ? (int) ((l >>> 56) & 7) : 0;
      out.add(off + 9);
      off += 8 + rec + pad;
    }
    return out;
  }

  /**
   * Opens a log holding {@code segment}, repairing once on a torn tail as etcd does, and classifies
   * the result; fails if the log reads back as anything but the original or a prefix of it.
   */
  static Outcome recover(byte[] segment, String what) throws IOException {
    CrashFs fs = new CrashFs();
    fs.createDirectories(DIR);
    try (WalFs.WalFile f = fs.open(DIR.resolve(SEGMENT), true)) {
      f.write(ByteBuffer.wrap(segment), 0);
      f.force();
    }
    WalOptions o = WalOptions.DEFAULT.withSegmentSizeBytes(4096).withFs(fs);
    boolean repaired = false;
    for (int attempt = 0; attempt < 2; attempt++) {
      try (Wal w = Wal.open(DIR, START, o)) {
        WalContents c = w.readAll();
        if (!Arrays.equals(c.metadata(), "meta".getBytes(StandardCharsets.UTF_8))
            || c.entries().size() > entries.size()
            || !c.entries().equals(entries.subList(0, c.entries().size()))
            || c.state().getCommit() > c.entries().size()) {
          return Outcome.MISREAD;
        }
        if (c.entries().size() == entries.size() && c.state().equals(lastState)) {
          return repaired ? Outcome.REPAIRED_PREFIX : Outcome.INTACT;
        }
        return repaired ? Outcome.REPAIRED_PREFIX : Outcome.PREFIX;
      } catch (TornTailException torn) {
        if (repaired || !Wal.repair(DIR, o)) {
          return Outcome.REPORTED;
        }
        repaired = true;
      } catch (WalException | IllegalStateException reported) {
        return Outcome.REPORTED;
      }
    }
    return Outcome.REPORTED;
  }
}
