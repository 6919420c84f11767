package io.raftj.benchmarks.server;

import io.raftj.wal.ForwardingWalFs;
import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * The real file system, counting file fsyncs ({@link WalFs.WalFile#force}), directory fsyncs and
 * bytes written. Thread-safe.
 */
final class CountingFs extends ForwardingWalFs {

  final LongAdder fileSyncs = new LongAdder();
  final LongAdder dirSyncs = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();

  CountingFs() {
    super(WalFs.nio());
  }

  @Override
  public void syncDir(Path dir) throws IOException {
    dirSyncs.increment();
    super.syncDir(dir);
  }

  @Override
  protected WalFile wrap(WalFile file) {
    return new ForwardingWalFile(file) {
      @Override
      public void write(ByteBuffer src, long pos) throws IOException {
        bytesWritten.add(src.remaining());
        super.write(src, pos);
      }

      @Override
      public void force() throws IOException {
        fileSyncs.increment();
        super.force();
      }
    };
  }
}
