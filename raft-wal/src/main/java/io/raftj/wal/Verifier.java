package io.raftj.wal;

import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only passes over a WAL directory that take no locks and may run beside a live writer: etcd's
 * {@code Verify} and {@code ValidSnapshotEntries} in {@code wal.go}.
 */
final class Verifier {
  /** A concurrent purge can delete a segment mid-scan; the scan is retried this many times. */
  private static final int MAX_ATTEMPTS = 3;

  private Verifier() {}

  static HardState verify(WalFs fs, Path dir, Snapshot snap) throws IOException {
    List<String> names = WalNames.selectWalFiles(fs, dir, snap.getIndex());
    List<WalFs.WalFile> files = openAll(fs, dir, names);
    try {
      // a torn tail is tolerated: it is what a crash leaves, and the writer's next open repairs it
      Replay r = new Replay(new Decoder(files), snap, null, List.of(), false).run();
      if (!r.snapshotFound) {
        throw new SnapshotNotFoundException(null);
      }
      return r.state;
    } finally {
      Wal.closeAll(files, null);
    }
  }

  static List<Snapshot> validSnapshotEntries(WalFs fs, Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return validSnapshotEntriesOnce(fs, dir);
      } catch (NoSuchFileException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static List<Snapshot> validSnapshotEntriesOnce(WalFs fs, Path dir) throws IOException {
    List<String> names = WalNames.readWalNames(fs, dir);
    List<WalFs.WalFile> files = openAll(fs, dir, names);
    List<Snapshot> snaps = new ArrayList<>();
    HardState state = HardState.getDefaultInstance();
    try {
      Decoder d = new Decoder(files);
      try {
        Decoder.Rec rec;
        while ((rec = d.decode()) != null) {
          if (rec.type == Wal.SNAPSHOT_TYPE) {
            snaps.add(Wal.parse(rec, Snapshot.parser(), d));
          } else if (rec.type == Wal.STATE_TYPE) {
            state = Wal.parse(rec, HardState.parser(), d);
          } else if (rec.type == Wal.CRC_TYPE) {
            Wal.checkCrcRecord(d, rec);
          }
        }
      } catch (TornTailException tolerated) {
        // as in verify
      }
    } finally {
      Wal.closeAll(files, null);
    }
    List<Snapshot> valid = new ArrayList<>();
    for (Snapshot s : snaps) {
      if (s.getIndex() <= state.getCommit()) {
        valid.add(s);
      }
    }
    return valid;
  }

  static List<WalFs.WalFile> openAll(WalFs fs, Path dir, List<String> names) throws IOException {
    List<WalFs.WalFile> files = new ArrayList<>();
    try {
      for (String n : names) {
        files.add(fs.open(dir.resolve(n), false));
      }
    } catch (IOException e) {
      Wal.closeAll(files, e);
      throw e;
    }
    return files;
  }
}
