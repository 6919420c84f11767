package io.raftj.storage;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.storage.snappb.SnapProtos;
import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads Raft snapshots as etcd's {@code .snap} files. Mirrors {@code Snapshotter} in
 * etcd's {@code server/etcdserver/api/snap/snapshotter.go}, and reads and writes the same bytes: a
 * file named {@code %016x-%016x.snap} (term, then index) holding a {@code snappb.snapshot}
 * envelope, whose {@code data} is the marshalled {@link Snapshot} and whose {@code crc} is the
 * CRC-32C of that data.
 *
 * <p>Two differences from etcd, both about crashes. A save writes a temporary file, fsyncs it,
 * renames it into place and fsyncs the directory, so a crash never leaves a partial file under a
 * {@code .snap} name (etcd writes in place, #20732). And the {@code .broken} files that loading
 * sets aside are bounded: only the newest {@link #maxBrokenFiles()} are kept.
 *
 * <p>Every file operation goes through a {@link WalFs} ({@link WalFs#nio()} unless the constructor
 * says otherwise), so a crash-simulating file system sees each write, fsync, rename and delete.
 *
 * <p>Not thread-safe: one owner calls it at a time. The directory must exist.
 */
public final class Snapshotter {

  /** How many {@code .snap.broken} files are kept, unless the constructor says otherwise. */
  public static final int DEFAULT_MAX_BROKEN_FILES = 3;

  static final String SNAP_SUFFIX = ".snap";
  static final String BROKEN_SUFFIX = ".broken";
  static final String TMP_SUFFIX = ".tmp";

  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  private final Path dir;
  private final int maxBrokenFiles;
  private final StorageListener listener;
  private final WalFs fs;

  /** A snapshotter over {@code dir} keeping {@link #DEFAULT_MAX_BROKEN_FILES} broken files. */
  public Snapshotter(Path dir) {
    this(dir, DEFAULT_MAX_BROKEN_FILES, StorageListener.NONE);
  }

  /**
   * A snapshotter over {@code dir} on the production file system.
   *
   * @param maxBrokenFiles how many {@code .snap.broken} files to keep (0 deletes them all)
   * @param listener told about each save
   */
  public Snapshotter(Path dir, int maxBrokenFiles, StorageListener listener) {
    this(dir, maxBrokenFiles, listener, WalFs.nio());
  }

  /**
   * A snapshotter over {@code dir}.
   *
   * @param maxBrokenFiles how many {@code .snap.broken} files to keep (0 deletes them all)
   * @param listener told about each save
   * @param fs the file system {@code dir} lives on
   */
  public Snapshotter(Path dir, int maxBrokenFiles, StorageListener listener, WalFs fs) {
    if (maxBrokenFiles < 0) {
      throw new IllegalArgumentException("maxBrokenFiles must not be negative: " + maxBrokenFiles);
    }
    this.dir = dir;
    this.maxBrokenFiles = maxBrokenFiles;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.fs = Objects.requireNonNull(fs, "fs");
  }

  /** The snapshot directory. */
  public Path dir() {
    return dir;
  }

  /** How many {@code .snap.broken} files are kept. */
  public int maxBrokenFiles() {
    return maxBrokenFiles;
  }

  /** The file system the directory lives on. */
  public WalFs fs() {
    return fs;
  }

  /** The file name etcd gives a snapshot at {@code (term, index)}: {@code %016x-%016x.snap}. */
  public static String snapName(long term, long index) {
    return String.format("%016x-%016x%s", term, index, SNAP_SUFFIX);
  }

  /** The index in a {@code %016x-%016x.snap} name, or -1 if the name is not one. */
  static long indexOf(String name) {
    if (name.length() != 38 || name.charAt(16) != '-' || !name.endsWith(SNAP_SUFFIX)) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(name.substring(17, 33), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Writes {@code snapshot} durably to its {@code .snap} file; an empty snapshot (index 0) is
   * ignored, as in etcd's {@code SaveSnap}. When this returns, the file and its name survive a
   * crash; if it throws, no file was left under the {@code .snap} name by this call.
   */
  public void saveSnap(Snapshot snapshot) throws IOException {
    if (snapshot.getMetadata().getIndex() == 0) {
      return;
    }
    save(snapshot);
  }

  private void save(Snapshot snapshot) throws IOException {
    long start = System.nanoTime();
    SnapshotMetadata md = snapshot.getMetadata();
    String name = snapName(md.getTerm(), md.getIndex());
    ByteString data = snapshot.toByteString();
    CRC32C crc = new CRC32C();
    crc.update(data.asReadOnlyByteBuffer());
    byte[] envelope =
        SnapProtos.Snapshot.newBuilder()
            .setCrc((int) crc.getValue())
            .setData(data)
            .build()
            .toByteArray();

    Path target = dir.resolve(name);
    Path tmp = dir.resolve(name + TMP_SUFFIX);
    long fsyncNanos;
    try {
      fsyncNanos = FileUtil.writeAndSyncFile(fs, tmp, ByteBuffer.wrap(envelope));
      fs.rename(tmp, target);
      FileUtil.fsyncDir(fs, dir);
    } catch (IOException e) {
      LOG.warn("failed to write a snap file; path={}", target, e);
      try {
        FileUtil.deleteIfExists(fs, tmp);
      } catch (IOException re) {
        e.addSuppressed(re);
      }
      throw e;
    }
    listener.snapshotSaved(md.getIndex(), envelope.length, fsyncNanos, System.nanoTime() - start);
  }

  /**
   * Returns the newest snapshot that reads correctly. Files that do not are renamed to {@code
   * .broken} on the way, as in etcd's {@code Load}.
   *
   * @throws NoSnapshotException if no file reads correctly
   */
  public Snapshot load() throws IOException {
    return loadMatching(null);
  }

  /**
   * Returns the newest snapshot that reads correctly and whose term and index equal one of {@code
   * walSnaps} (in any order): the snapshot records the WAL confirms, so a snapshot file written
   * just before a crash, with no WAL record yet, is passed over. Mirrors etcd's {@code
   * LoadNewestAvailable}.
   *
   * @throws NoSnapshotException if no file matches
   */
  public Snapshot loadNewestAvailable(Collection<io.raftj.wal.walpb.Snapshot> walSnaps)
      throws IOException {
    return loadMatching(walSnaps);
  }

  private Snapshot loadMatching(Collection<io.raftj.wal.walpb.Snapshot> walSnaps)
      throws IOException {
    for (String name : snapNames()) {
      Snapshot snap = loadSnap(name);
      if (snap != null && (walSnaps == null || matches(snap.getMetadata(), walSnaps))) {
        return snap;
      }
    }
    throw new NoSnapshotException();
  }

  private static boolean matches(
      SnapshotMetadata m, Collection<io.raftj.wal.walpb.Snapshot> walSnaps) {
    for (io.raftj.wal.walpb.Snapshot w : walSnaps) {
      if (m.getTerm() == w.getTerm() && m.getIndex() == w.getIndex()) {
        return true;
      }
    }
    return false;
  }

  /** Reads one file; on failure sets it aside as {@code .broken} and returns null. */
  private Snapshot loadSnap(String name) throws IOException {
    Path path = dir.resolve(name);
    try {
      return read(path, fs);
    } catch (NoSuchFileException e) {
      return null; // removed since the listing: nothing to set aside
    } catch (IOException e) {
      LOG.warn("failed to read a snap file; path={}", path, e);
      Path broken = dir.resolve(name + BROKEN_SUFFIX);
      try {
        fs.rename(path, broken);
        LOG.warn("renamed to a broken snap file; path={}, broken-path={}", path, broken);
        FileUtil.fsyncDir(fs, dir);
        cleanupBroken();
      } catch (IOException re) {
        LOG.warn("failed to rename a broken snap file; path={}, broken-path={}", path, broken, re);
      }
      return null;
    }
  }

  /** Deletes the oldest {@code .snap.broken} files beyond {@link #maxBrokenFiles()}. */
  private void cleanupBroken() throws IOException {
    List<String> broken = new ArrayList<>();
    for (String name : FileUtil.readDir(fs, dir)) {
      if (name.endsWith(SNAP_SUFFIX + BROKEN_SUFFIX)) {
        broken.add(name);
      }
    }
    boolean removed = false;
    for (int i = 0; i < broken.size() - maxBrokenFiles; i++) {
      FileUtil.deleteIfExists(fs, dir.resolve(broken.get(i)));
      LOG.info("removed an old broken snap file; path={}", dir.resolve(broken.get(i)));
      removed = true;
    }
    if (removed) {
      FileUtil.fsyncDir(fs, dir);
    }
  }

  /**
   * Reads and checks one snapshot file. Mirrors etcd's {@code snap.Read}.
   *
   * @throws EmptySnapshotException if the file, its data or its CRC is empty
   * @throws SnapshotCrcMismatchException if the data does not match its CRC
   * @throws com.google.protobuf.InvalidProtocolBufferException if either message does not parse
   */
  public static Snapshot read(Path file) throws IOException {
    return read(file, WalFs.nio());
  }

  /** {@link #read(Path)} from a file on {@code fs}. */
  public static Snapshot read(Path file, WalFs fs) throws IOException {
    byte[] b = FileUtil.readAll(fs, file);
    if (b.length == 0) {
      throw new EmptySnapshotException();
    }
    SnapProtos.Snapshot envelope = SnapProtos.Snapshot.parseFrom(b);
    ByteString data = envelope.getData();
    if (data.isEmpty() || envelope.getCrc() == 0) {
      throw new EmptySnapshotException();
    }
    CRC32C crc = new CRC32C();
    crc.update(data.asReadOnlyByteBuffer());
    int computed = (int) crc.getValue();
    if (computed != envelope.getCrc()) {
      throw new SnapshotCrcMismatchException(envelope.getCrc(), computed);
    }
    return Snapshot.parseFrom(data);
  }

  /**
   * The {@code .snap} file names, newest first (reverse string order, which is term then index).
   * Deletes leftover temporary files of saves that crashed. Empty when there are none; etcd returns
   * {@code ErrNoSnapshot} here, which the loaders raise instead.
   */
  List<String> snapNames() throws IOException {
    List<String> snaps = new ArrayList<>();
    for (String name : FileUtil.readDir(fs, dir)) {
      if (name.endsWith(SNAP_SUFFIX)) {
        snaps.add(name);
      } else if (name.endsWith(SNAP_SUFFIX + TMP_SUFFIX)) {
        LOG.info("found an unfinished snap file; deleting; path={}", dir.resolve(name));
        FileUtil.deleteIfExists(fs, dir.resolve(name));
      } else if (!name.endsWith(SNAP_SUFFIX + BROKEN_SUFFIX) && !name.equals("db")) {
        LOG.warn("found unexpected non-snap file; skipping; path={}", name);
      }
    }
    Collections.reverse(snaps);
    return snaps;
  }

  /**
   * Deletes the oldest {@code .snap} files so that at most {@code retain} are left. The caller
   * keeps {@code retain} at least 1 and purges only after the WAL records the newest snapshot, so
   * the snapshot a restart needs is never among the removed.
   *
   * @return how many files were deleted
   */
  public int purge(int retain) throws IOException {
    if (retain < 1) {
      throw new IllegalArgumentException("retain must be at least 1: " + retain);
    }
    List<String> names = snapNames(); // newest first
    int removed = 0;
    for (int i = names.size() - 1; i >= retain; i--) { // oldest first
      Path p = dir.resolve(names.get(i));
      FileUtil.deleteIfExists(fs, p);
      LOG.info("purged; path={}", p);
      removed++;
    }
    if (removed > 0) {
      FileUtil.fsyncDir(fs, dir);
    }
    return removed;
  }

  /** How many {@code .snap} files the directory holds. */
  public int count() throws IOException {
    int n = 0;
    for (String name : FileUtil.readDir(fs, dir)) {
      if (name.endsWith(SNAP_SUFFIX)) {
        n++;
      }
    }
    return n;
  }
}
