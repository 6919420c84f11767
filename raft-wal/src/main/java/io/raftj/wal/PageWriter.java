package io.raftj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Buffers writes to a segment and hands them to the file in whole pages aligned to absolute file
 * offsets, so a crash tears the log at page (and so sector) boundaries. Mirrors {@code PageWriter}
 * in etcd's {@code pkg/ioutil/pagewriter.go}. Not thread-safe.
 *
 * <p>Besides copying through {@link #write}, a caller can lay bytes straight into the buffer:
 * {@link #reserve} makes room for a frame of known maximum size and {@link #commit} hands over what
 * was written there. Committed bytes may take the buffer past its watermark by less than the
 * reserved room; the page-aligned part is then flushed at once.
 *
 * <p>Invariant: {@code fileOffset} is where the next flushed byte lands; buffered bytes follow it.
 */
final class PageWriter {
  private final WalFs.WalFile file;
  private final int pageBytes;
  private final int watermarkBytes;
  private final byte[] buf;
  private int buffered;
  private long fileOffset;

  PageWriter(WalFs.WalFile file, long fileOffset, int pageBytes, int watermarkBytes) {
    this(file, fileOffset, pageBytes, watermarkBytes, 0);
  }

  /** {@code reserveBytes}: the largest room {@link #reserve} grants past the watermark. */
  PageWriter(
      WalFs.WalFile file, long fileOffset, int pageBytes, int watermarkBytes, int reserveBytes) {
    if (pageBytes <= 0) {
      throw new IllegalArgumentException("pageBytes must be positive: " + pageBytes);
    }
    if (watermarkBytes < pageBytes) {
      throw new IllegalArgumentException(
          "watermark " + watermarkBytes + " is below a page: " + pageBytes);
    }
    this.file = file;
    this.fileOffset = fileOffset;
    this.pageBytes = pageBytes;
    this.watermarkBytes = watermarkBytes;
    this.buf = new byte[watermarkBytes + pageBytes + reserveBytes];
  }

  /** The buffer {@link #reserve} offsets point into. */
  byte[] buffer() {
    return buf;
  }

  /**
   * Where up to {@code n} bytes can be written into {@link #buffer()} before a {@link #commit}, or
   * -1 if the room is larger than this writer reserves (use {@link #write} then).
   */
  int reserve(int n) {
    return buffered + n <= buf.length ? buffered : -1;
  }

  /** Takes the {@code n} bytes written at the offset {@link #reserve} returned. */
  void commit(int n) throws IOException {
    buffered += n;
    if (buffered <= watermarkBytes) {
      return;
    }
    long end = fileOffset + buffered;
    int aligned = (int) (end - end % pageBytes - fileOffset);
    file.write(ByteBuffer.wrap(buf, 0, aligned), fileOffset);
    fileOffset += aligned;
    buffered -= aligned;
    System.arraycopy(buf, aligned, buf, 0, buffered);
  }

  /** The offset up to which bytes have been handed to the file (Go: the file's seek offset). */
  long fileOffset() {
    return fileOffset;
  }

  int bufferedBytes() {
    return buffered;
  }

  void write(byte[] b, int off, int len) throws IOException {
    while (true) {
      if (buffered + len <= watermarkBytes) {
        System.arraycopy(b, off, buf, buffered, len);
        buffered += len;
        return;
      }
      // Top up the buffer to the next page boundary so the flush below ends aligned.
      int slack = pageBytes - (int) ((fileOffset + buffered) % pageBytes);
      if (slack != pageBytes) {
        boolean partial = slack > len;
        int n = partial ? len : slack;
        System.arraycopy(b, off, buf, buffered, n);
        buffered += n;
        off += n;
        len -= n;
        if (partial) {
          return; // an unaligned flush would defeat the point
        }
      }
      flush();
      if (len > pageBytes) {
        int direct = (len / pageBytes) * pageBytes;
        file.write(ByteBuffer.wrap(b, off, direct), fileOffset);
        fileOffset += direct;
        off += direct;
        len -= direct;
      }
    }
  }

  /** Writes out whatever is buffered, aligned or not. */
  void flush() throws IOException {
    if (buffered == 0) {
      return;
    }
    file.write(ByteBuffer.wrap(buf, 0, buffered), fileOffset);
    fileOffset += buffered;
    buffered = 0;
  }
}
