package io.raftj.storage;

import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The production file system, except that writes to, or locks of, the paths a rule picks fail
 * with the exception the rule returns: a full disk, a directory this process may not write.
 */
final class FaultFs implements WalFs {
  private final WalFs fs = WalFs.nio();
  /** For a path, the exception its writes fail with, or null. */
  private final Function<Path, IOException> writeFault;
  /** For a path, the exception locking it fails with, or null. */
  private final Function<Path, IOException> lockFault;

  FaultFs(Function<Path, IOException> writeFault, Function<Path, IOException> lockFault) {
    this.writeFault = writeFault;
    this.lockFault = lockFault;
  }

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
    return faulty(fs.open(path, write));
  }

  @Override
  public WalFile openLocked(Path path, String holder) throws IOException {
    IOException e = lockFault.apply(path);
    if (e != null) {
      throw e;
    }
    return faulty(fs.openLocked(path, holder));
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
    fs.syncDir(dir);
  }

  private WalFile faulty(WalFile f) {
    return new WalFile() {
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
        IOException e = writeFault.apply(f.path());
        if (e != null) {
          throw e;
        }
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
        f.force();
      }

      @Override
      public void close() throws IOException {
        f.close();
      }
    };
  }
}
