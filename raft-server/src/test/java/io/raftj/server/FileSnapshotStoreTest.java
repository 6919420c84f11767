package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.wal.ForwardingWalFs;
import io.raftj.wal.WalFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state-machine snapshot files: written in fsynced steps, read back whole. */
final class FileSnapshotStoreTest {

  @TempDir Path dir;

  /** Bytes written to snapshot files between two fsyncs, one element per fsync. */
  private final List<Long> unsyncedAtForce = new ArrayList<>();

  private final WalFs fs =
      new ForwardingWalFs(WalFs.nio()) {
        @Override
        protected WalFile wrap(WalFile file) {
          return new ForwardingWalFile(file) {
            private long unsynced;

            @Override
            public void write(ByteBuffer src, long pos) throws IOException {
              unsynced += src.remaining();
              super.write(src, pos);
            }

            @Override
            public void force() throws IOException {
              unsyncedAtForce.add(unsynced);
              unsynced = 0;
              super.force();
            }
          };
        }
      };

  @Test
  void aLargeSnapshotIsFsyncedInSteps_andReadsBackWhole() throws IOException {
    FileSnapshotStore store = new FileSnapshotStore(fs, dir.resolve("sm"));
    long size = 3 * FileSnapshotStore.SYNC_EVERY + 12_345; // three steps and a tail
    SnapshotStore.Pending p = store.create(3, 1000);
    OutputStream out = p.out();
    byte[] chunk = new byte[1000];
    for (long written = 0; written < size; ) {
      int n = (int) Math.min(chunk.length, size - written);
      for (int i = 0; i < n; i++) {
        chunk[i] = (byte) ((written + i) % 251);
      }
      out.write(chunk, 0, n);
      written += n;
    }
    p.commit();

    assertThat(unsyncedAtForce)
        .as("an fsync every %d bytes, and one at the end", FileSnapshotStore.SYNC_EVERY)
        .hasSizeGreaterThanOrEqualTo((int) (size / FileSnapshotStore.SYNC_EVERY) + 1)
        .allMatch(n -> n <= FileSnapshotStore.SYNC_EVERY + 64 * 1024);
    assertThat(unsyncedAtForce.stream().mapToLong(Long::longValue).sum()).isEqualTo(size);

    try (InputStream in = store.open(3, 1000)) {
      long read = 0;
      long firstWrong = -1;
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) != -1; read += n) {
        for (int i = 0; i < n && firstWrong < 0; i++) {
          if (buf[i] != (byte) ((read + i) % 251)) {
            firstWrong = read + i;
          }
        }
      }
      assertThat(firstWrong).as("the first byte read back wrong").isEqualTo(-1);
      assertThat(read).isEqualTo(size);
    }
  }
}
