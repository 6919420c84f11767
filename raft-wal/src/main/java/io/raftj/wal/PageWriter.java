package io.raftj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Buffers writes to a segment and hands them to the file in whole pages aligned to absolute file
 * offsets, so a crash tears the log at page (and so sector) boundaries. Mirrors {@code PageWriter}
 * in etcd's {@code pkg/ioutil/pagewriter.go}. Not thread-safe.
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
    if (pageBytes <= 0) {
      throw new IllegalArgumentException("pageBytes must be positive: " + pageBytes);
    }
    this.file = file;
    this.fileOffset = fileOffset;
    this.pageBytes = pageBytes;
    this.watermarkBytes = watermarkBytes;
    this.buf = new byte[watermarkBytes + pageBytes];
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
