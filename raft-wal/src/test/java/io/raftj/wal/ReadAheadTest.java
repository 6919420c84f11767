package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding with the next chunk read ahead on another thread yields exactly the records, the end
 * position and the errors of decoding with plain reads, whatever the chunk size: records that
 * straddle chunks, records longer than the carry-over room or than a whole chunk, segment changes.
 * And no read is left running once decoding ends.
 */
final class ReadAheadTest {
  @TempDir Path tmp;
  Path dir;
  List<Entry> saved = new ArrayList<>();

  /** A log of several 1 MB segments with entries from empty to 200 KB. */
  @BeforeEach
  void writeLog() throws IOException {
    dir = tmp.resolve("wal");
    Random r = new Random(3);
    try (Wal w =
        Wal.create(dir, new byte[] {7}, WalOptions.DEFAULT.withSegmentSizeBytes(1 << 20))) {
      for (long i = 1; i <= 400; i++) {
        int size = r.nextInt(10) == 0 ? r.nextInt(200_000) : r.nextInt(3000);
        byte[] d = new byte[size];
        r.nextBytes(d);
        Entry e = Entry.newBuilder().setIndex(i).setTerm(1).setData(ByteString.copyFrom(d)).build();
        w.save(WalTestSupport.hs(1, 1, i), List.of(e));
        saved.add(e);
      }
    }
  }

  record Decoded(List<String> records, long lastOffset, int lastCrc) {}

  /** Counts reads in flight, to see that none outlives the decoding. */
  static final class CountingFile extends ForwardingWalFs.ForwardingWalFile {
    private final AtomicInteger inFlight;

    CountingFile(WalFs.WalFile f, AtomicInteger inFlight) {
      super(f);
      this.inFlight = inFlight;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
      inFlight.incrementAndGet();
      try {
        return super.read(dst, pos);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private Decoded decode(int chunkBytes, boolean retain) throws IOException {
    AtomicInteger inFlight = new AtomicInteger();
    List<WalFs.WalFile> files = new ArrayList<>();
    try {
      for (String n : WalTestSupport.walFiles(dir)) {
        files.add(new CountingFile(NioWalFs.INSTANCE.open(dir.resolve(n), false), inFlight));
      }
      Decoder d = new Decoder(files, false, retain);
      if (chunkBytes > 0) {
        d.withChunkBytes(chunkBytes);
      }
      List<String> recs = new ArrayList<>();
      Decoder.Rec rec;
      try {
        while ((rec = d.decode()) != null) {
          recs.add(
              rec.type + ":" + rec.crc + ":" + Arrays.hashCode(rec.data()) + ":" + rec.dataLen);
          assertThat(inFlight.get()).isLessThanOrEqualTo(1);
        }
      } catch (IOException e) {
        assertThat(inFlight.get()).as("reads running after a failure").isZero();
        throw e;
      }
      assertThat(inFlight.get()).as("reads running after the end").isZero();
      return new Decoded(recs, d.lastOffset(), d.lastCrc());
    } finally {
      for (WalFs.WalFile f : files) {
        f.close();
      }
    }
  }

  @Test
  void everyChunkSize_decodesTheSameRecords() throws IOException {
    Decoded whole = decode(64 << 20, false); // each segment in one read
    assertThat(whole.records()).hasSizeGreaterThan(800);
    for (int chunk : new int[] {4096, 10_000, 65_536, 100_003, 1 << 20}) {
      for (boolean retain : new boolean[] {false, true}) {
        assertThat(decode(chunk, retain)).as("chunk %d retain %s", chunk, retain).isEqualTo(whole);
      }
    }
  }

  @Test
  void readAll_withReadAhead_returnsWhatWasSaved() throws IOException {
    try (Wal w = Wal.open(dir, WalTestSupport.START)) {
      assertThat(w.readAll().entries()).isEqualTo(saved);
    }
  }

  @Test
  void corruption_isReportedAtTheSamePlace() throws IOException {
    List<String> names = WalTestSupport.walFiles(dir);
    Path second = dir.resolve(names.get(1));
    byte[] b = WalTestSupport.read(second);
    int at = b.length / 2;
    WalTestSupport.writeAt(second, at, new byte[] {(byte) (b[at] ^ 0x40)});
    Throwable plain = catchDecode(64 << 20);
    assertThat(plain).isInstanceOf(WalException.class);
    for (int chunk : new int[] {4096, 65_536, 100_003}) {
      assertThat(catchDecode(chunk))
          .as("chunk %d", chunk)
          .hasSameClassAs(plain)
          .hasMessage(plain.getMessage());
    }
  }

  private Throwable catchDecode(int chunk) {
    try {
      decode(chunk, true);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("no error");
  }

  @Test
  void aTornLastSegment_endsTheSameWay() throws IOException {
    Path last = WalTestSupport.lastWal(dir);
    long size = java.nio.file.Files.size(last);
    byte[] b = WalTestSupport.read(last);
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--;
    }
    WalTestSupport.truncate(last, end - 100);
    assertThat(size).isGreaterThan(end - 100);
    for (int chunk : new int[] {64 << 20, 4096, 65_536}) {
      assertThatThrownBy(() -> decode(chunk, false))
          .as("chunk %d", chunk)
          .isInstanceOf(TornTailException.class);
    }
  }
}
