package io.raftj.storage;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.wal.TornTailException;
import io.raftj.wal.Wal;
import io.raftj.wal.WalContents;
import io.raftj.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a data directory back to the state the last acknowledged save left: the newest snapshot
 * the WAL confirms, the WAL replayed from it (a torn tail repaired once), and a {@code
 * MemoryStorage} rebuilt from the three. This is the start-up half of etcd's raftexample ({@code
 * replayWAL}, {@code loadSnapshot}, {@code openWAL}) plus the {@code Repair} step etcd server adds.
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(DurableStorage.class);

  /** What a directory held. {@code wal} is open for appending. */
  record Result(
      Wal wal, MemoryStorage storage, Snapshot snapshot, HardState hardState, boolean restart) {}

  private Recovery() {}

  static Result recover(Path walDir, Snapshotter snapshotter, DurableStorageOptions options)
      throws IOException {
    WalOptions walOptions = options.walOptions();
    MemoryStorage ms =
        options.logger() == null ? new MemoryStorage() : new MemoryStorage(options.logger());
    if (!Wal.exist(walDir, walOptions)) {
      if (!snapshotter.snapNames().isEmpty()) {
        // Snapshot files are only ever written after the WAL exists: the WAL was lost.
        throw new IOException(
            "storage: " + snapshotter.dir() + " holds snapshots but " + walDir + " holds no WAL");
      }
      Wal wal = Wal.create(walDir, options.walMetadata(), walOptions);
      return new Result(
          wal, ms, Snapshot.getDefaultInstance(), HardState.getDefaultInstance(), false);
    }

    List<io.raftj.wal.walpb.Snapshot> walSnaps = Wal.validSnapshotEntries(walDir, walOptions);
    Snapshot snap;
    try {
      snap = snapshotter.loadNewestAvailable(walSnaps);
    } catch (NoSnapshotException e) {
      snap = Snapshot.getDefaultInstance();
    }
    removeUnconfirmed(snapshotter, snap);

    io.raftj.wal.walpb.Snapshot at =
        io.raftj.wal.walpb.Snapshot.newBuilder()
            .setIndex(snap.getMetadata().getIndex())
            .setTerm(snap.getMetadata().getTerm())
            .build();
    Wal wal = Wal.open(walDir, at, walOptions);
    WalContents contents;
    try {
      contents = wal.readAll();
    } catch (TornTailException e) {
      closeQuietly(wal, e);
      // A crash cut the last record short; it was never acknowledged. Repair once (etcd#2661).
      LOG.warn("WAL has a torn tail; repairing; dir={}, cause={}", walDir, e.getMessage());
      boolean repaired;
      try {
        repaired = Wal.repairChecked(walDir, walOptions);
      } catch (IOException re) {
        throw repairFailed(walDir, e, re);
      }
      if (!repaired) {
        throw e;
      }
      wal = Wal.open(walDir, at, walOptions);
      contents = readAllOrClose(wal);
    } catch (IOException | RuntimeException e) {
      closeQuietly(wal, e);
      throw e;
    }

    try {
      if (snap.getMetadata().getIndex() > 0) {
        ms.applySnapshot(snap);
      }
      ms.setHardState(contents.state());
      ms.append(contents.entries());
    } catch (RuntimeException e) {
      closeQuietly(wal, e);
      throw e;
    }
    // A WAL that holds nothing but its creation (a crash before the first save) is a fresh node.
    boolean restart =
        snap.getMetadata().getIndex() > 0
            || !contents.entries().isEmpty()
            || !contents.state().equals(HardState.getDefaultInstance());
    return new Result(wal, ms, snap, contents.state(), restart);
  }

  /**
   * The error for a torn tail that could not be cut off: it names why (the repair's own failure,
   * typically a full disk), not just the torn record, which is only the symptom.
   */
  static IOException repairFailed(Path walDir, TornTailException torn, IOException cause) {
    String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    if (cause instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      why = fse.getReason() + " (" + fse.getFile() + ")";
    }
    String hint =
        why.contains("No space left on device")
            ? "; free disk space on that file system and open the directory again"
            : "";
    IOException e =
        new IOException(
            "storage: the WAL in "
                + walDir
                + " ends in a torn record ("
                + torn.file()
                + " at offset "
                + torn.offset()
                + ") and cutting it off failed: "
                + why
                + hint,
            cause);
    e.addSuppressed(torn);
    return e;
  }

  private static WalContents readAllOrClose(Wal wal) throws IOException {
    try {
      return wal.readAll();
    } catch (IOException | RuntimeException e) {
      closeQuietly(wal, e);
      throw e;
    }
  }

  /**
   * Deletes snapshot files newer than the one loaded. The WAL does not confirm them (a crash came
   * between the file and its WAL record, or before the commit that makes the record valid), so Raft
   * never relied on them; left in place they would be what {@link Snapshotter#load} returns and
   * what a purge by count keeps instead of the snapshot a restart needs.
   */
  private static void removeUnconfirmed(Snapshotter snapshotter, Snapshot loaded)
      throws IOException {
    String keep =
        loaded.getMetadata().getIndex() == 0
            ? ""
            : Snapshotter.snapName(loaded.getMetadata().getTerm(), loaded.getMetadata().getIndex());
    boolean removed = false;
    for (String name : snapshotter.snapNames()) {
      if (name.compareTo(keep) > 0) {
        Path p = snapshotter.dir().resolve(name);
        LOG.warn("removing a snapshot file the WAL does not confirm; path={}", p);
        FileUtil.deleteIfExists(snapshotter.fs(), p);
        removed = true;
      }
    }
    if (removed) {
      FileUtil.fsyncDir(snapshotter.fs(), snapshotter.dir());
    }
  }

  private static void closeQuietly(Wal wal, Throwable cause) {
    try {
      wal.close();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
