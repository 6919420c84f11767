package io.raftj.storage;

import io.raftj.wal.ForwardingWalFs;
import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The production file system, except that writes to, or locks of, the paths a rule picks fail with
 * the exception the rule returns: a full disk, a directory this process may not write.
 */
final class FaultFs extends ForwardingWalFs {
  /** For a path, the exception its writes fail with, or null. */
  private final Function<Path, IOException> writeFault;

  /** For a path, the exception locking it fails with, or null. */
  private final Function<Path, IOException> lockFault;

  FaultFs(Function<Path, IOException> writeFault, Function<Path, IOException> lockFault) {
    super(WalFs.nio());
    this.writeFault = writeFault;
    this.lockFault = lockFault;
  }

  @Override
  public WalFile openLocked(Path path, String holder) throws IOException {
    IOException e = lockFault.apply(path);
    if (e != null) {
      throw e;
    }
    return super.openLocked(path, holder);
  }

  @Override
  protected WalFile wrap(WalFile f) {
    return new ForwardingWalFile(f) {
      @Override
      public void write(ByteBuffer src, long pos) throws IOException {
        IOException e = writeFault.apply(f.path());
        if (e != null) {
          throw e;
        }
        super.write(src, pos);
      }
    };
  }
}
