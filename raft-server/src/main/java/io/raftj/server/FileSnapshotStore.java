package io.raftj.server;

import io.raftj.wal.WalFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@link SnapshotStore} in a directory: {@code <term>-<index>.smsnap} (16 hex digits each),
 * written to a {@code .tmp} file, fsynced, renamed and made durable with a directory fsync, so a
 * crash leaves either the whole snapshot or none. All I/O goes through the injected {@link WalFs}.
 *
 * <p>The file is also fsynced every {@value #SYNC_EVERY} bytes while it is written, so the page
 * cache never holds more than that much of it unwritten. A snapshot of a large state machine is
 * written next to the WAL, often on the same disk: flushed in one go at the end, its tens of
 * megabytes would sit in the device's queue ahead of the WAL's next fdatasync (and on ext4's
 * ordered mode a journal commit may wait for them), stalling every write of every group for the
 * length of that flush. Written in steps, it delays a WAL sync by one step at most. RocksDB's
 * {@code bytes_per_sync} does the same for its files.
 */
final class FileSnapshotStore implements SnapshotStore {

  private static final String SUFFIX = ".smsnap";
  private static final int BUFFER = 64 * 1024;

  /** Bytes written to a snapshot file between two of its fsyncs. */
  static final long SYNC_EVERY = 1L * 1024 * 1024;

  private final WalFs fs;
  private final Path dir;

  FileSnapshotStore(WalFs fs, Path dir) throws IOException {
    this.fs = fs;
    this.dir = dir;
    fs.createDirectories(dir);
    for (String name : fs.list(dir)) {
      if (name.endsWith(".tmp")) {
        fs.delete(dir.resolve(name)); // a write a crash interrupted
      }
    }
  }

  static String name(long term, long index) {
    return String.format("%016x-%016x%s", term, index, SUFFIX);
  }

  @Override
  public Pending create(long term, long index) throws IOException {
    Path target = dir.resolve(name(term, index));
    Path tmp = dir.resolve(name(term, index) + ".tmp");
    WalFs.WalFile file = fs.open(tmp, true);
    file.truncate(0);
    FileOut out = new FileOut(file);
    return new Pending() {
      @Override
      public OutputStream out() {
        return out;
      }

      @Override
      public long commit() throws IOException {
        out.flush();
        file.force();
        file.close();
        fs.rename(tmp, target);
        fs.syncDir(dir);
        return out.pos;
      }

      @Override
      public void abort() {
        try {
          file.close();
          fs.delete(tmp);
        } catch (IOException e) {
          // Left for the next start to remove.
        }
      }
    };
  }

  @Override
  public InputStream open(long term, long index) throws IOException {
    return new FileIn(fs.open(dir.resolve(name(term, index)), false));
  }

  @Override
  public void deleteBefore(long index) throws IOException {
    boolean deleted = false;
    for (String name : fs.list(dir)) {
      if (name.endsWith(SUFFIX) && name.length() == 33 + SUFFIX.length()) {
        long i = Long.parseUnsignedLong(name.substring(17, 33), 16);
        if (i < index) {
          fs.delete(dir.resolve(name));
          deleted = true;
        }
      }
    }
    if (deleted) {
      fs.syncDir(dir);
    }
  }

  /** Buffered positional writes to a {@link WalFs.WalFile}, fsynced every {@link #SYNC_EVERY}. */
  private static final class FileOut extends OutputStream {
    private final WalFs.WalFile file;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    private long pos;
    private long syncedTo;

    FileOut(WalFs.WalFile file) {
      this.file = file;
    }

    @Override
    public void write(int b) throws IOException {
      if (!buf.hasRemaining()) {
        flush();
      }
      buf.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (!buf.hasRemaining()) {
          flush();
        }
        int n = Math.min(len, buf.remaining());
        buf.put(b, off, n);
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      buf.flip();
      int n = buf.remaining();
      if (n > 0) {
        file.write(buf, pos);
        pos += n;
      }
      buf.clear();
      if (pos - syncedTo >= SYNC_EVERY) {
        file.force();
        syncedTo = pos;
      }
    }
  }

  /** Buffered positional reads from a {@link WalFs.WalFile}; closing closes the file. */
  private static final class FileIn extends InputStream {
    private final WalFs.WalFile file;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    private long pos;

    FileIn(WalFs.WalFile file) {
      this.file = file;
      buf.limit(0);
    }

    private boolean fill() throws IOException {
      buf.clear();
      int n = file.read(buf, pos);
      buf.flip();
      if (n <= 0) {
        return false;
      }
      pos += n;
      return true;
    }

    @Override
    public int read() throws IOException {
      if (!buf.hasRemaining() && !fill()) {
        return -1;
      }
      return buf.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!buf.hasRemaining() && !fill()) {
        return -1;
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
