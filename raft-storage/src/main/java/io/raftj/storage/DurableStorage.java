package io.raftj.storage;

import com.google.protobuf.ByteString;
import io.raftj.raft.CompactedException;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RawNode;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.wal.Wal;
import io.raftj.wal.WalFs;
import io.raftj.wal.WalPurger;
import io.raftj.wal.WalSnapshots;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

/**
 * Durable Raft storage over one data directory: etcd-format snapshot files in {@code snap/}, the
 * WAL in {@code wal/}, and the {@link MemoryStorage} Raft reads, kept in the order Raft requires
 * and recovered together on restart. It does what etcd's raftexample wires by hand in {@code
 * raft.go} ({@code replayWAL}, {@code saveSnap}, the Ready loop's saves, compaction), with the
 * fixes etcd's issues taught: the snapshot file is durable before its WAL record, a torn WAL tail
 * is repaired once, and old WAL segments and snapshot files are purged.
 *
 * <p>A host needs a few lines (from the README's quick start, which runs as a test):
 * <!-- snippet: raft-storage/src/test/java/io/raftj/storage/quickstart/QuickStart.java -->
 *
 * <pre>{@code
 * DurableStorage storage = DurableStorage.open(dir.resolve("member-" + id));
 * RawNode node = new RawNode(Config.defaults(id) // etcd's server settings
 *     .setStorage(storage.memoryStorage()).setApplied(storage.appliedIndex()));
 * if (!storage.isRestart()) {
 *   node.bootstrap(PEERS); // a new group; a restarted member finds its peers in its log
 * }
 * // ...
 * Ready rd = m.node().ready();
 * m.storage().save(rd.hardState(), rd.entries(), rd.snapshot()); // durable on return
 * }</pre>
 *
 * then send {@code rd.messages()}, apply {@code rd.committedEntries()} and call {@code
 * advance(rd)}. Before a restarted node serves, restore the state machine from {@link
 * #snapshotAtOpen()}; now and then, once it has applied an index, call {@link #snapshot(long,
 * ConfState, ByteString)} with its serialized state, which compacts the log and purges old files.
 *
 * <p>With asynchronous storage writes, the append thread calls {@link #saveStorageAppend} with each
 * {@code MsgStorageAppend} and then delivers the message's responses itself.
 *
 * <p>Thread-safety: the saving methods, {@link #snapshot}, {@link #compact}, {@link #purge} and
 * {@link #close} are serialised on this object, so the apply thread may snapshot while another
 * thread saves. After a save or snapshot throws, what reached the disk is unknown (etcd panics
 * here), so every later write throws too; reopen the directory to recover.
 */
public final class DurableStorage implements Closeable {

  /** The WAL's subdirectory of the data directory. */
  public static final String WAL_DIR = "wal";

  /** The snapshot files' subdirectory of the data directory. */
  public static final String SNAP_DIR = "snap";

  private final Path dir;
  private final DurableStorageOptions options;
  private final StorageListener listener;
  private final DirectoryLock lock;
  private final Snapshotter snapshotter;
  private final Wal wal;
  private final MemoryStorage memoryStorage;
  private final boolean restart;
  private final Snapshot snapshotAtOpen;
  private final HardState hardStateAtOpen;

  private HardState lastHardState;
  private IOException failure;
  private boolean closed;

  private DurableStorage(
      Path dir,
      DurableStorageOptions options,
      DirectoryLock lock,
      Snapshotter snapshotter,
      Recovery.Result r) {
    this.dir = dir;
    this.options = options;
    this.listener = options.listener();
    this.lock = lock;
    this.snapshotter = snapshotter;
    this.wal = r.wal();
    this.memoryStorage = r.storage();
    this.restart = r.restart();
    this.snapshotAtOpen = r.snapshot();
    this.hardStateAtOpen = r.hardState();
    this.lastHardState = r.hardState();
  }

  /** Opens {@code dir} with {@link DurableStorageOptions#DEFAULT}. */
  public static DurableStorage open(Path dir) throws IOException {
    return open(dir, DurableStorageOptions.DEFAULT);
  }

  /**
   * Opens a data directory, creating it or recovering what it holds: the newest snapshot file that
   * the WAL confirms (older ones are the fallback if it is broken), the WAL replayed from it with a
   * torn tail repaired once, and a {@link MemoryStorage} restored from snapshot, hard state and
   * entries. Snapshot files the WAL does not confirm are removed.
   *
   * @throws DirectoryLockedException if another process or object has the directory open
   * @throws io.raftj.wal.WalException and its subclasses if the WAL is damaged beyond its tail
   * @throws IOException naming the path and the reason (permission denied, not a directory, a full
   *     disk while repairing a torn tail, ...) if the directory cannot be used
   */
  public static DurableStorage open(Path dir, DurableStorageOptions options) throws IOException {
    WalFs fs = options.fs();
    Path snapDir = dir.resolve(SNAP_DIR);
    DirectoryLock lock;
    try {
      fs.createDirectoriesDurably(dir); // first: a file in its place is named as such
      fs.createDirectoriesDurably(snapDir);
      FileUtil.fsyncDir(fs, dir);
      lock = DirectoryLock.acquire(fs, dir);
    } catch (FileSystemException e) {
      throw unusable(dir, e);
    }
    try {
      Snapshotter snapshotter =
          new Snapshotter(snapDir, options.maxBrokenSnapshotFiles(), options.listener(), fs);
      Recovery.Result r = Recovery.recover(dir.resolve(WAL_DIR), snapshotter, options);
      return new DurableStorage(dir, options, lock, snapshotter, r);
    } catch (IOException | RuntimeException e) {
      try {
        lock.close();
      } catch (IOException le) {
        e.addSuppressed(le);
      }
      throw e;
    }
  }

  /**
   * The error for a data directory that cannot be created, written or locked: what is wrong with
   * which path, in words, rather than an exception whose message is the bare path.
   */
  static IOException unusable(Path dir, FileSystemException e) {
    String file = e.getFile() == null ? dir.toString() : e.getFile();
    String why;
    if (e instanceof AccessDeniedException) {
      why = "permission denied on " + file + " (the directory must be writable by this process)";
    } else if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
      why = file + " is not a directory";
    } else if (e instanceof NoSuchFileException) {
      why = "no such file or directory: " + file;
    } else {
      why = (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()) + ": " + file;
    }
    return new IOException("storage: cannot use data directory " + dir + ": " + why, e);
  }

  // ---------------------------------------------------------------------------------------------
  // what the host reads after open

  /** The storage to give Raft. Entries, hard state and snapshot in it are durable. */
  public MemoryStorage memoryStorage() {
    return memoryStorage;
  }

  /**
   * Whether the directory held a node's state. False for a new directory, and for a WAL that holds
   * nothing but its creation (a crash before the first save): bootstrap the peers then.
   */
  public boolean isRestart() {
    return restart;
  }

  /**
   * The snapshot recovered on open (the default instance if none): restore the state machine from
   * it.
   */
  public Snapshot snapshotAtOpen() {
    return snapshotAtOpen;
  }

  /**
   * The index the state machine stands at once it has restored {@link #snapshotAtOpen()}: give it
   * to Raft as the applied index, so committed entries after it are delivered again.
   */
  public long appliedIndex() {
    return snapshotAtOpen.getMetadata().getIndex();
  }

  /**
   * The commit index recovered on open: the applied index the state machine must reach before it
   * serves reads again; the committed entries up to it come back through Raft. The state machine
   * may have applied a little further before a crash: a commit-only hard state is not synced (Raft
   * needs only term, vote and entries durable), and Raft commits those entries again.
   */
  public long replayTargetIndex() {
    return hardStateAtOpen.getCommit();
  }

  /** The hard state recovered on open. */
  public HardState hardStateAtOpen() {
    return hardStateAtOpen;
  }

  /** The data directory. */
  public Path dir() {
    return dir;
  }

  /** The snapshotter over {@code snap/}, for a host that reads snapshot files itself. */
  public Snapshotter snapshotter() {
    return snapshotter;
  }

  // ---------------------------------------------------------------------------------------------
  // writes

  /**
   * Persists one {@code Ready}'s hard state, entries and snapshot, in the order that survives a
   * crash at any point: the snapshot file (fsynced), then the WAL's snapshot record (synced), then
   * the entries and hard state (synced when Raft requires: new entries, or a new term or vote; and
   * always with a snapshot, whose record counts only once the commit reaches it), and only then the
   * {@link MemoryStorage}, so Raft never sees what is not durable. Empty parts are skipped.
   *
   * @throws IOException if a write failed; the storage refuses further writes
   */
  public synchronized void save(HardState hardState, List<Entry> entries, Snapshot snapshot)
      throws IOException {
    checkWritable();
    boolean hasSnap = snapshot.getMetadata().getIndex() > 0;
    boolean hasState = !Util.isEmptyHardState(hardState);
    try {
      if (hasSnap) {
        persistSnapshot(snapshot);
      }
      if (hasState || !entries.isEmpty()) {
        saveToWal(hardState, entries, hasSnap);
      }
      // Only now may Raft see them. A failure here leaves memory behind the disk: refuse more.
      if (hasSnap) {
        memoryStorage.applySnapshot(snapshot);
      }
      if (!entries.isEmpty()) {
        memoryStorage.append(entries);
      }
      if (hasState) {
        memoryStorage.setHardState(hardState);
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
    if (hasSnap) {
      releaseWal();
    }
  }

  /**
   * Persists a {@code MsgStorageAppend} (asynchronous storage writes): its hard state (term, vote
   * and commit, all set or none), entries and snapshot, as {@link #save} does. Delivering {@code
   * m.getResponsesList()} afterwards is the caller's job.
   *
   * @throws IllegalArgumentException if {@code m} is not a {@code MsgStorageAppend}
   * @throws IOException if a write failed; the storage refuses further writes
   */
  public void saveStorageAppend(Message m) throws IOException {
    if (m.getType() != MessageType.MsgStorageAppend) {
      throw new IllegalArgumentException("not a MsgStorageAppend: " + m.getType());
    }
    HardState hs = HardState.getDefaultInstance();
    if (m.getTerm() != 0 || m.getVote() != 0 || m.getCommit() != 0) {
      hs =
          HardState.newBuilder()
              .setTerm(m.getTerm())
              .setVote(m.getVote())
              .setCommit(m.getCommit())
              .build();
    }
    save(hs, m.getEntriesList(), m.hasSnapshot() ? m.getSnapshot() : Snapshot.getDefaultInstance());
  }

  /**
   * Takes a snapshot of the state machine at {@code appliedIndex}: creates it in the {@link
   * MemoryStorage}, writes the snapshot file and its WAL record, compacts the in-memory log to
   * {@link DurableStorageOptions#snapshotCatchUpEntries()} entries behind it, and purges WAL
   * segments and snapshot files beyond the retention counts.
   *
   * @param appliedIndex the index the state machine has applied, and {@code data} reflects
   * @param confState the configuration as of {@code appliedIndex}
   * @return the snapshot
   * @throws io.raftj.raft.SnapOutOfDateException if a snapshot at or after {@code appliedIndex}
   *     exists
   * @throws IllegalStateException if {@code appliedIndex} is past the last saved entry (with
   *     asynchronous storage writes, applying may run ahead of the local log: snapshot at an index
   *     that has been saved)
   * @throws IOException if writing the snapshot failed; the storage refuses further writes
   */
  public synchronized Snapshot snapshot(long appliedIndex, ConfState confState, ByteString data)
      throws IOException {
    checkWritable();
    Snapshot snap = memoryStorage.createSnapshot(appliedIndex, confState, data);
    try {
      persistSnapshot(snap);
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
    long catchUp = options.snapshotCatchUpEntries();
    if (appliedIndex > catchUp) {
      compactQuietly(appliedIndex - catchUp);
    }
    releaseWal();
    purge();
    return snap;
  }

  /**
   * Discards in-memory entries up to {@code compactIndex}, which must not be after the applied
   * index. The WAL keeps them until a snapshot lets it purge its segments.
   *
   * @throws CompactedException if {@code compactIndex} is already compacted
   */
  public synchronized void compact(long compactIndex) {
    checkOpen();
    memoryStorage.compact(compactIndex);
  }

  /**
   * Deletes the oldest snapshot files beyond {@link DurableStorageOptions#maxSnapshotFiles()} and
   * the oldest WAL segments beyond {@link DurableStorageOptions#maxWalSegments()} that the WAL no
   * longer holds locked. {@link #snapshot} calls it; a host whose snapshots arrive from the leader
   * may call it too.
   */
  public synchronized void purge() throws IOException {
    checkOpen();
    int snapsRemoved = snapshotter.purge(options.maxSnapshotFiles());
    int walRemoved =
        WalPurger.purge(dir.resolve(WAL_DIR), options.maxWalSegments(), options.walOptions())
            .size();
    listener.purged(walRemoved, snapsRemoved, walSegmentCount(), snapshotter.count());
  }

  /**
   * Syncs the WAL and releases the directory. Everything a save returned for is already durable, so
   * this adds nothing a restart needs. Calling it again does nothing.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (failure == null) {
        wal.close();
      } else {
        closeWalAfterFailure();
      }
    } finally {
      lock.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // internals

  /** The file first, then the record that points at it (raftexample#12691, etcd#22340). */
  private void persistSnapshot(Snapshot snap) throws IOException {
    snapshotter.saveSnap(snap);
    wal.saveSnapshot(WalSnapshots.marker(snap.getMetadata()));
  }

  /**
   * Appends to the WAL, synced when Raft requires it or {@code forceSync} asks. A Ready with a
   * snapshot forces it, as etcd's server does (etcd#10219): the snapshot's WAL record counts on
   * restart only once a hard state commits its index, and the commit alone is not synced, so a
   * crash could otherwise forget a snapshot that Raft has acknowledged, and, once the WAL released
   * and purged the segments before it, leave no snapshot record to open the WAL at.
   */
  private void saveToWal(HardState hs, List<Entry> entries, boolean forceSync) throws IOException {
    boolean mustSync = RawNode.mustSync(hs, lastHardState, entries.size());
    boolean sync = mustSync || forceSync;
    long start = System.nanoTime();
    wal.save(hs, entries);
    if (!mustSync && forceSync) {
      wal.sync();
    }
    long nanos = System.nanoTime() - start;
    if (!Util.isEmptyHardState(hs)) {
      lastHardState = hs;
    }
    long bytes = hs.getSerializedSize();
    for (int i = 0; i < entries.size(); i++) {
      bytes += entries.get(i).getSerializedSize();
    }
    listener.walSaved(entries.size(), bytes, sync, nanos);
  }

  /**
   * Lets the WAL unlock the segments before the oldest snapshot file kept, so they become
   * purgeable. etcd releases up to the newest snapshot; keeping the log back to the oldest retained
   * one means a broken newest file still has a snapshot and log to fall back on.
   */
  private void releaseWal() throws IOException {
    List<String> names = snapshotter.snapNames(); // newest first
    if (names.isEmpty()) {
      return;
    }
    String oldest = names.get(Math.min(names.size(), options.maxSnapshotFiles()) - 1);
    long index = Snapshotter.indexOf(oldest);
    if (index > 0) {
      wal.releaseLockTo(index);
    }
  }

  private void compactQuietly(long compactIndex) {
    try {
      memoryStorage.compact(compactIndex);
    } catch (CompactedException e) {
      // Already compacted this far: nothing to do.
    }
  }

  private int walSegmentCount() throws IOException {
    int n = 0;
    for (String name : FileUtil.readDir(options.fs(), dir.resolve(WAL_DIR))) {
      if (name.endsWith(".wal")) {
        n++;
      }
    }
    return n;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("storage: closed");
    }
  }

  private void checkWritable() throws IOException {
    checkOpen();
    if (failure != null) {
      throw new IOException("storage: an earlier write failed; reopen the directory", failure);
    }
  }

  private void fail(Exception e) {
    failure = e instanceof IOException ? (IOException) e : new IOException(e);
  }

  private void closeWalAfterFailure() {
    try {
      wal.close();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
