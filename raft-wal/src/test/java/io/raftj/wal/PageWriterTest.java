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
  static class RecordingFile implements WalFs.WalFile {
    final List<long[]> writes = new ArrayList<>();
    long bytes;

    @Override
    public Path path() {
      return Path.of("rec");
    }

    @Override
    public int read(ByteBuffer dst, long pos) {
      return -1;
    }

    @Override
    public void write(ByteBuffer src, long pos) {
      writes.add(new long[] {pos, pos + src.remaining()});
      bytes += src.remaining();
      src.position(src.limit());
    }

    @Override
    public long size() {
      return bytes;
    }

    @Override
    public void truncate(long size) {}

    @Override
    public void preallocate(long size) {}

    @Override
    public void force() {}

    @Override
    public void close() {}
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
    assertThat(total - f.bytes)
        .as("bytes still buffered")
        .isLessThanOrEqualTo(bufBytes + pageBytes);
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

  /**
   * Frames laid straight into the buffer and frames copied in may be mixed: the file receives the
   * same bytes in the same order, and every flush but the last ends on a page boundary.
   */
  @Test
  void reserveAndCommit_mixWithWrites_keepOrderAndAlignment() throws IOException {
    int pageBytes = 64;
    int reserve = 300;
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    RecordingFile f =
        new RecordingFile() {
          @Override
          public void write(ByteBuffer src, long pos) {
            assertThat(pos).isEqualTo(37 + got.size());
            byte[] b = new byte[src.remaining()];
            src.duplicate().get(b);
            got.writeBytes(b);
            super.write(src, pos);
          }
        };
    PageWriter pw = new PageWriter(f, 37, pageBytes, 4 * pageBytes, reserve);
    java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
    Random r = new Random(5);
    for (int i = 0; i < 2000; i++) {
      byte[] b = new byte[r.nextInt(2 * reserve)];
      r.nextBytes(b);
      int at = pw.reserve(b.length);
      if (at >= 0) {
        System.arraycopy(b, 0, pw.buffer(), at, b.length);
        pw.commit(b.length);
      } else {
        assertThat(b.length).isGreaterThan(reserve);
        pw.write(b, 0, b.length);
      }
      want.writeBytes(b);
    }
    for (long[] w : f.writes) {
      assertThat(w[1] % pageBytes).as("write ending at %d", w[1]).isZero();
    }
    pw.flush();
    assertThat(got.toByteArray()).isEqualTo(want.toByteArray());
    assertThat(pw.fileOffset()).isEqualTo(37 + want.size());
  }

  @Test
  void watermark_mustHoldAPage() {
    assertThatThrownBy(() -> new PageWriter(new RecordingFile(), 0, 128, 64))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
