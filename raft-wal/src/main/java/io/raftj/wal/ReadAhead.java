package io.raftj.wal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the next chunk of a segment on another thread while the decoder parses the current one, so
 * a replay from disk waits for the disk or for parsing, not for both in turn. One request is
 * outstanding at a time; the decoder takes its chunk only if it asks for exactly that file and
 * offset, and otherwise reads for itself. A failed read is dropped: the decoder's own read of the
 * same bytes reports the error where it belongs.
 *
 * <p>Threads come from a shared pool of daemon threads that end after a few idle seconds, so an
 * abandoned replay leaks nothing.
 */
final class ReadAhead {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService READERS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          5,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "raftj-wal-readahead-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  /** Bytes of {@code file} from {@code pos}, in {@code buf[off, off + len)}. */
  static final class Chunk {
    final int file;
    final long pos;
    final byte[] buf;
    final int off;
    int len;

    Chunk(int file, long pos, byte[] buf, int off) {
      this.file = file;
      this.pos = pos;
      this.buf = buf;
      this.off = off;
    }
  }

  private Chunk chunk;
  private Future<Boolean> pending;

  /**
   * Starts reading {@code file} from {@code pos} into {@code buf[off, end)}: to its end or to the
   * file's.
   */
  void request(WalFs.WalFile f, int file, long pos, byte[] buf, int off) {
    Chunk c = new Chunk(file, pos, buf, off);
    chunk = c;
    pending =
        READERS.submit(
            () -> {
              while (c.off + c.len < buf.length) {
                int r =
                    f.read(
                        ByteBuffer.wrap(buf, c.off + c.len, buf.length - c.off - c.len),
                        pos + c.len);
                if (r <= 0) {
                  break;
                }
                c.len += r;
              }
              return true;
            });
  }

  /** Whether a request is outstanding. */
  boolean pending() {
    return chunk != null;
  }

  /**
   * The chunk read from {@code file} at {@code pos}, waiting for it if need be; null if nothing was
   * requested there or the read failed. A request for a later file (the decoder is still reaching
   * the end of this one) stays outstanding; any other is over afterwards.
   */
  Chunk take(int file, long pos) throws IOException {
    Chunk c = chunk;
    if (c == null || c.file > file) {
      return null;
    }
    boolean ok = await();
    return ok && c.file == file && c.pos == pos ? c : null;
  }

  /** Waits out any outstanding read, so that nothing writes into a buffer after this returns. */
  void cancel() throws IOException {
    if (chunk != null) {
      await();
    }
  }

  private boolean await() throws IOException {
    Future<Boolean> p = pending;
    chunk = null;
    pending = null;
    try {
      return p.get();
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a read-ahead");
    }
  }
}
