package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ports the intent of etcd's pkg/ioutil/pagewriter_test.go. */
final class PageWriterTest {
  /** Records where each write to the file started and ended. */
  static final class RecordingFile implements WalFs.WalFile {
    final List<long[]> writes = new ArrayList<>();
    long bytes;

    @Override public Path path() { return Path.of("rec"); }
    @Override public int read(ByteBuffer dst, long pos) { return -1; }
    @Override public void write(ByteBuffer src, long pos) {
      writes.add(new long[] {pos, pos + src.remaining()});
      bytes += src.remaining();
      src.position(src.limit());
    }
    @Override public long size() { return bytes; }
    @Override public void truncate(long size) {}
    @Override public void preallocate(long size) {}
    @Override public void force() {}
    @Override public void close() {}
  }

  @Test
  void pageWriterRandom() throws IOException {
    int pageBytes = 128;
    int bufBytes = 10 * pageBytes;
    RecordingFile f = new RecordingFile();
    PageWriter pw = new PageWriter(f, 0, pageBytes, bufBytes);
    long seed = 7;
    Random r = new Random(seed);
    byte[] buf = new byte[4 * bufBytes];
    long total = 0;
    for (int i = 0; i < 4096; i++) {
      int n = r.nextInt(buf.length);
      pw.write(buf, 0, n);
      total += n;
    }
    for (long[] w : f.writes) {
      assertThat(w[1] % pageBytes).as("seed %d: write ending at %d", seed, w[1]).isZero();
    }
    assertThat(total - f.bytes).as("bytes still buffered").isLessThanOrEqualTo(bufBytes + pageBytes);
    pw.flush();
    assertThat(f.bytes).isEqualTo(total);
    assertThat(pw.fileOffset()).isEqualTo(total);
  }

  /** The buffer must fill the partial first page before flushing, so flushes stay aligned. */
  @Test
  void pageWriterPartialSlack() throws IOException {
    int pageBytes = 64;
    RecordingFile f = new RecordingFile();
    PageWriter pw = new PageWriter(f, 0, pageBytes, 2 * pageBytes);
    pw.write(new byte[pageBytes - 1], 0, pageBytes - 1);
    pw.write(new byte[2 * pageBytes], 0, 2 * pageBytes);
    assertThat(f.writes).isNotEmpty();
    for (long[] w : f.writes) {
      assertThat(w[1] % pageBytes).isZero();
    }
  }

  /** Alignment follows the absolute file offset the writer starts at. */
  @Test
  void pageWriterOffset() throws IOException {
    int pageBytes = 64;
    RecordingFile f = new RecordingFile();
    PageWriter pw = new PageWriter(f, 10, pageBytes, 2 * pageBytes);
    pw.write(new byte[3 * pageBytes], 0, 3 * pageBytes);
    assertThat(f.writes.get(0)[0]).isEqualTo(10);
    for (long[] w : f.writes) {
      assertThat(w[1] % pageBytes).isZero();
    }
    pw.flush();
    assertThat(pw.fileOffset()).isEqualTo(10 + 3 * pageBytes);
  }

  @Test
  void pageBytes_mustBePositive() {
    assertThatThrownBy(() -> new PageWriter(new RecordingFile(), 0, 0, 128))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
