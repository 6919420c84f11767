package io.raftj.benchmarks.server;

import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The real file system, counting file fsyncs ({@link WalFs.WalFile#force}), directory fsyncs and
 * bytes written. Thread-safe.
 */
final class CountingFs implements WalFs {

  final LongAdder fileSyncs = new LongAdder();
  final LongAdder dirSyncs = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();
  private final WalFs fs = WalFs.nio();

  @Override
  public List<String> list(Path dir) throws IOException {
    return fs.list(dir);
  }

  @Override
  public boolean exists(Path path) {
    return fs.exists(path);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    fs.createDirectories(dir);
  }

  @Override
  public void deleteRecursively(Path path) throws IOException {
    fs.deleteRecursively(path);
  }

  @Override
  public WalFile open(Path path, boolean write) throws IOException {
    return new Counted(fs.open(path, write));
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    fs.rename(from, to);
  }

  @Override
  public void delete(Path path) throws IOException {
    fs.delete(path);
  }

  @Override
  public void syncDir(Path dir) throws IOException {
    dirSyncs.increment();
    fs.syncDir(dir);
  }

  @Override
  public WalFile openLocked(Path path, String holder) throws IOException {
    return new Counted(fs.openLocked(path, holder));
  }

  private final class Counted implements WalFile {
    private final WalFile f;

    Counted(WalFile f) {
      this.f = f;
    }

    @Override
    public Path path() {
      return f.path();
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
      return f.read(dst, pos);
    }

    @Override
    public void write(ByteBuffer src, long pos) throws IOException {
      bytesWritten.add(src.remaining());
      f.write(src, pos);
    }

    @Override
    public long size() throws IOException {
      return f.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      f.truncate(size);
    }

    @Override
    public void preallocate(long size) throws IOException {
      f.preallocate(size);
    }

    @Override
    public void force() throws IOException {
      fileSyncs.increment();
      f.force();
    }

    @Override
    public void close() throws IOException {
      f.close();
    }
  }
}
