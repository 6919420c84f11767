package io.raftj.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.RawNode;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-ahead log of Raft entries and hard states in etcd's on-disk format: a directory of {@code
 * %016x-%016x.wal} segments of CRC-chained, 8-byte-aligned records. Mirrors {@code WAL} in etcd's
 * {@code server/storage/wal/wal.go}.
 *
 * <p>A WAL is either reading or appending. {@link #create} returns one ready to append. {@link
 * #open} and {@link #openForRead} return one positioned at a snapshot; call {@link #readAll} once
 * to replay it, after which a WAL from {@code open} appends. Methods are thread-safe (serialised on
 * this object), but Raft's usage is one writer thread.
 *
 * <p>Durability: {@link #save} returns after an fdatasync whenever Raft requires one (new entries,
 * or a changed term or vote); {@link #saveSnapshot} and a segment cut always sync; directories are
 * fsynced after files are created, renamed or removed.
 */
public final class Wal implements Closeable {
  /** Record types (etcd's MetadataType, EntryType, StateType, CrcType, SnapshotType). */
  public static final long METADATA_TYPE = 1;

  /** An entry record. */
  public static final long ENTRY_TYPE = 2;

  /** A hard state record. */
  public static final long STATE_TYPE = 3;

  /** A CRC record: the chain carried into a segment. */
  public static final long CRC_TYPE = 4;

  /** A snapshot marker record. */
  public static final long SNAPSHOT_TYPE = 5;

  static final long WARN_SYNC_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
  static final Snapshot EMPTY_SNAPSHOT = Snapshot.newBuilder().setIndex(0).setTerm(0).build();

  private final WalFs fs;
  private final WalOptions options;
  private final Path dir;
  private final String holder;

  /** Metadata recorded at the head of each segment. */
  private byte[] metadata;

  /** The last hard state saved (or recovered), repeated at the head of each new segment. */
  private HardState state = HardState.getDefaultInstance();

  private Snapshot start = EMPTY_SNAPSHOT;
  private Decoder decoder;
  private List<WalFs.WalFile> readFiles = List.of();
  private boolean unsafeNoSync;

  /** Index of the last entry saved. */
  private long enti;

  private Encoder encoder;

  /** The locked segments, oldest first; the last one is the tail being appended to. */
  private final ArrayList<WalFs.WalFile> locks = new ArrayList<>();

  private FilePipeline fp;
  private boolean closed;

  private Wal(WalOptions options, Path dir) {
    this.fs = options.fs();
    this.options = options;
    this.dir = dir;
    this.holder =
        String.format(
            "WAL %s (pid %d, thread %s)",
            dir, ProcessHandle.current().pid(), Thread.currentThread().getName());
  }

  // ---------------------------------------------------------------------------------------------
  // create / open

  /**
   * Creates a WAL in {@code dir} with the default options; see {@link #create(Path, byte[],
   * WalOptions)}.
   */
  public static Wal create(Path dir, byte[] metadata) throws IOException {
    return create(dir, metadata, WalOptions.DEFAULT);
  }

  /**
   * Creates a WAL ready to append: the first segment (a CRC record, the metadata, and a snapshot
   * record at index 0) is built in {@code dir + ".tmp"}, synced and renamed into place, and the
   * parent directory is fsynced, so an interrupted create leaves nothing behind.
   *
   * @param metadata opaque bytes repeated at the head of every segment; null for none
   * @throws FileAlreadyExistsException if {@code dir} already holds a {@code *.wal} file
   */
  public static Wal create(Path dir, byte[] metadata, WalOptions options) throws IOException {
    WalFs fs = options.fs();
    if (WalNames.exist(fs, dir)) {
      throw new FileAlreadyExistsException(dir.toString());
    }
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    fs.deleteRecursively(tmp);
    Wal w = new Wal(options, dir);
    try {
      fs.createDirectories(tmp);
      String name = WalNames.walName(0, 0);
      WalFs.WalFile f = w.openLocked(tmp.resolve(name));
      w.locks.add(f);
      f.preallocate(options.segmentSizeBytes());
      fs.syncDir(tmp);
      w.metadata = metadata;
      w.encoder = new Encoder(f, 0, 0);
      w.saveCrc(0);
      w.encoder.encode(METADATA_TYPE, metadata);
      w.saveSnapshot(EMPTY_SNAPSHOT);

      // The tail is reopened under its final name rather than renamed while locked, so the
      // lock registry never holds a stale path.
      long off = w.encoder.fileOffset();
      int crc = w.encoder.crc();
      w.closeLocks();
      fs.deleteRecursively(dir);
      fs.rename(tmp, dir);
      WalFs.WalFile tail = w.openLocked(dir.resolve(name));
      w.locks.add(tail);
      w.encoder = new Encoder(tail, off, crc);
      w.fp = new FilePipeline(fs, dir, options.segmentSizeBytes(), w.holder);
    } catch (IOException | RuntimeException e) {
      w.closeQuietly(e);
      fs.deleteRecursively(tmp);
      throw e;
    }
    try {
      Path parent = dir.toAbsolutePath().getParent();
      fs.syncDir(parent);
    } catch (IOException e) {
      w.cleanupWal(e);
      throw e;
    }
    return w;
  }

  /** Moves a WAL whose creation could not be made durable out of the way. */
  private void cleanupWal(IOException cause) {
    closeQuietly(cause);
    String stamp =
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd.HHmmss.SSSSSS"));
    Path broken = dir.resolveSibling(dir.getFileName() + ".broken." + stamp);
    try {
      fs.rename(dir, broken);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** Opens the WAL at {@code snap} for appending, with the default options. */
  public static Wal open(Path dir, Snapshot snap) throws IOException {
    return open(dir, snap, WalOptions.DEFAULT);
  }

  /**
   * Opens the WAL at the snapshot {@code snap} (index and term; the default instance means "from
   * the beginning") and locks every segment from the one holding it onwards. Call {@link #readAll}
   * before appending.
   *
   * @throws WalFileNotFoundException if no segment holds the snapshot, or sequence numbers skip
   * @throws FileLockedException if another WAL holds a segment
   */
  public static Wal open(Path dir, Snapshot snap, WalOptions options) throws IOException {
    return openAtIndex(dir, snap, true, options);
  }

  /** Opens the WAL at {@code snap} for reading only, without locks; see {@link #open}. */
  public static Wal openForRead(Path dir, Snapshot snap) throws IOException {
    return openForRead(dir, snap, WalOptions.DEFAULT);
  }

  /** {@link #openForRead(Path, Snapshot)} with options. */
  public static Wal openForRead(Path dir, Snapshot snap, WalOptions options) throws IOException {
    return openAtIndex(dir, snap, false, options);
  }

  private static Wal openAtIndex(Path dir, Snapshot snap, boolean write, WalOptions options)
      throws IOException {
    WalFs fs = options.fs();
    List<String> names = WalNames.selectWalFiles(fs, dir, snap.getIndex());
    Wal w = new Wal(options, dir);
    List<WalFs.WalFile> files = new ArrayList<>();
    try {
      for (String n : names) {
        Path p = dir.resolve(n);
        files.add(write ? w.openLocked(p) : fs.open(p, false));
      }
      w.start = snap;
      w.decoder = new Decoder(files, false, true);
      if (write) {
        w.locks.addAll(files);
        w.fp = new FilePipeline(fs, dir, options.segmentSizeBytes(), w.holder);
      } else {
        w.readFiles = files;
      }
    } catch (IOException | RuntimeException e) {
      closeAll(files, e);
      throw e;
    }
    return w;
  }

  private WalFs.WalFile openLocked(Path p) throws IOException {
    return fs.openLocked(p, holder);
  }

  // ---------------------------------------------------------------------------------------------
  // reading

  /**
   * Replays the log from the snapshot position: the metadata, the last hard state and the entries
   * after the snapshot, a later entry replacing any conflicting suffix. Can be called once. In
   * append mode the log must end cleanly; the tail is then zeroed past the last valid record and
   * the WAL becomes appendable. In read mode a torn tail is tolerated.
   *
   * <p>An entry's {@code Data} is a read-only view of the chunk the segment was read into, not a
   * copy: replay reads each segment into fresh chunks of up to 8 MB that are never reused, so a
   * chunk stays in memory while any entry read from it is referenced. Once the host drops (or
   * compacts away) every entry of a chunk, the chunk is garbage too. The chunk after the one being
   * parsed is read on another thread.
   *
   * @throws SnapshotNotFoundException if no snapshot record matches the opened position (the
   *     contents read are attached, and the WAL is appendable all the same)
   * @throws SnapshotMismatchException if the matching record has another term
   * @throws CrcMismatchException if a record or a segment's CRC record breaks the chain
   * @throws MetadataConflictException if segments carry different metadata
   * @throws EntryGapException if an entry's index skips ahead
   * @throws TornTailException in append mode, if the last record is torn: {@link #repair} it
   * @throws IllegalStateException if called twice, or on a WAL from {@link #create}
   */
  public synchronized WalContents readAll() throws IOException {
    Decoder d = replayDecoder();
    ArrayList<Entry> ents = new ArrayList<>();
    EntryVisitor keep =
        new EntryVisitor() {
          @Override
          public void append(Entry entry) {
            ents.add(entry);
          }

          @Override
          public void truncate(long index) {
            ents.subList((int) (index - start.getIndex() - 1), ents.size()).clear();
          }
        };
    Replay r = new Replay(d, start, keep, ents, d.retainsChunks()).run();
    return finishReplay(d, r, Collections.unmodifiableList(ents));
  }

  /**
   * Replays the log like {@link #readAll}, handing the entries to {@code visitor} instead of
   * keeping them: for a host that rebuilds its own state from the log, in memory bounded by the
   * largest record rather than by the log (two 8 MB read buffers, one filled on another thread
   * while the other is parsed). The returned contents hold the metadata and the last hard state,
   * and no entries. Can be called once, instead of {@link #readAll}, with the same checks,
   * exceptions and effect on an appendable WAL; an exception thrown by the visitor ends the replay
   * and leaves the WAL unusable (close it).
   *
   * @throws SnapshotNotFoundException if no snapshot record matches the opened position
   * @throws IllegalStateException if called twice, or on a WAL from {@link #create}
   */
  public synchronized WalContents replay(EntryVisitor visitor) throws IOException {
    Decoder d = replayDecoder();
    d.retainChunks(false);
    Replay r = new Replay(d, start, visitor, List.of(), false).run();
    return finishReplay(d, r, List.of());
  }

  private Decoder replayDecoder() {
    if (decoder == null) {
      throw new IllegalStateException("wal: decoder not found");
    }
    return decoder;
  }

  /** Makes the WAL appendable (or releases a reader's files) once a replay has read the log. */
  private WalContents finishReplay(Decoder d, Replay r, List<Entry> ents) throws IOException {
    decoder = null;
    if (r.torn != null && tail() != null) {
      throw r.torn; // appending after a torn record would bury it; repair first
    }
    enti = r.lastIndex;
    if (enti < start.getIndex()) {
      // Nothing after the snapshot was replayed: the log's position is the snapshot, and the next
      // segment must be named past it, or a restart at this snapshot would open that segment and
      // skip the one holding the snapshot's record.
      enti = start.getIndex();
    }
    WalFs.WalFile tail = tail();
    if (tail != null) {
      long off = d.lastOffset();
      zeroToEnd(tail, off);
      // Made durable before anything is appended: otherwise a crash could bring back the bytes of
      // an older torn write beside a new record, which would then read as corruption instead of
      // a torn tail (a torn record is told by its zero sectors).
      tail.force();
      encoder = new Encoder(tail, off, d.lastCrc());
    } else {
      closeAll(readFiles, null);
      readFiles = List.of();
    }
    start = EMPTY_SNAPSHOT;
    metadata = r.metadata;
    state = r.state;
    WalContents contents = new WalContents(r.metadata, r.state, ents);
    if (!r.snapshotFound) {
      throw new SnapshotNotFoundException(contents);
    }
    return contents;
  }

  /**
   * A CRC record must carry the chain's current value, unless the chain has just begun (reading
   * from a segment after the first); either way it re-seeds the chain.
   */
  static void checkCrcRecord(Decoder d, Decoder.Rec rec) throws CrcMismatchException {
    int crc = d.lastCrc();
    if (crc != 0 && rec.crc != crc) {
      throw new CrcMismatchException(rec.crc, crc, d.fileName(), d.lastRecordOffset());
    }
    d.updateCrc(rec.crc);
  }

  /** The entry in an entry record, its data a view of the decoder's chunk if the reader aliases. */
  static Entry parseEntry(Decoder.Rec rec, EntryReader reader, Decoder d)
      throws WalCorruptionException {
    if (!rec.hasData) {
      return parse(rec, Entry.parser(), d);
    }
    try {
      return reader.parse(rec.buf, rec.dataOff, rec.dataLen);
    } catch (InvalidProtocolBufferException e) {
      throw badRecordData(rec, d, e);
    }
  }

  private static WalCorruptionException badRecordData(
      Decoder.Rec rec, Decoder d, InvalidProtocolBufferException e) {
    return new WalCorruptionException(
        "wal: bad record data of type " + rec.type + ": " + e.getMessage(),
        d.fileName(),
        d.lastRecordOffset());
  }

  static <T> T parse(Decoder.Rec rec, com.google.protobuf.Parser<T> parser, Decoder d)
      throws WalCorruptionException {
    try {
      return rec.parse(parser);
    } catch (InvalidProtocolBufferException e) {
      throw badRecordData(rec, d, e);
    }
  }

  /**
   * Truncates to {@code off} and extends back, so everything past the last record reads as zero.
   */
  private static void zeroToEnd(WalFs.WalFile f, long off) throws IOException {
    long len = f.size();
    f.truncate(off);
    f.preallocate(len);
  }

  // ---------------------------------------------------------------------------------------------
  // writing

  /**
   * Appends {@code entries} and then {@code st} (unless empty), and fdatasyncs if Raft requires it:
   * there are entries, or the term or vote changed (etcd's {@code raft.MustSync}). A change of
   * commit alone is not synced. Cuts a new segment when the tail reaches the segment size.
   */
  public synchronized void save(HardState st, List<Entry> entries) throws IOException {
    checkAppendable();
    if (Util.isEmptyHardState(st) && entries.isEmpty()) {
      return;
    }
    boolean mustSync = RawNode.mustSync(st, state, entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      encoder.encode(ENTRY_TYPE, e);
      enti = e.getIndex();
    }
    saveState(st);
    if (encoder.fileOffset() < options.segmentSizeBytes()) {
      if (mustSync) {
        sync();
      }
      return;
    }
    cut();
  }

  /**
   * Records that a snapshot at (index, term) exists, and syncs. The snapshot itself must already be
   * durable. A snapshot past index 0 must carry its ConfState.
   */
  public synchronized void saveSnapshot(Snapshot snap) throws IOException {
    if (!snap.hasConfState() && snap.getIndex() > 0) {
      throw new IllegalArgumentException(
          "Saved (not-initial) snapshot is missing ConfState: " + snap);
    }
    checkAppendable();
    // etcd always writes index and term (non-nullable fields); so do we.
    Snapshot s =
        snap.hasIndex() && snap.hasTerm()
            ? snap
            : snap.toBuilder().setIndex(snap.getIndex()).setTerm(snap.getTerm()).build();
    encoder.encode(SNAPSHOT_TYPE, s);
    if (enti < s.getIndex()) {
      enti = s.getIndex();
    }
    sync();
  }

  /** Flushes buffered records and fdatasyncs the tail. */
  public synchronized void sync() throws IOException {
    if (encoder != null) {
      encoder.flush();
    }
    if (unsafeNoSync) {
      return;
    }
    long t0 = System.nanoTime();
    tail().force();
    warnIfSlow(t0);
  }

  /**
   * Skips every fdatasync from now on (etcd's --unsafe-no-fsync): data is written, not made
   * durable.
   */
  public synchronized void setUnsafeNoFsync() {
    unsafeNoSync = true;
  }

  private void saveState(HardState st) throws IOException {
    if (Util.isEmptyHardState(st)) {
      return;
    }
    state = st;
    // etcd writes all three fields (gogoproto non-nullable); keep its bytes.
    HardState full =
        st.hasTerm() && st.hasVote() && st.hasCommit()
            ? st
            : HardState.newBuilder()
                .setTerm(st.getTerm())
                .setVote(st.getVote())
                .setCommit(st.getCommit())
                .build();
    encoder.encode(STATE_TYPE, full);
  }

  private void saveCrc(int prevCrc) throws IOException {
    encoder.encodeCrc(prevCrc);
  }

  /**
   * Closes the tail at its data and continues in a new segment named for the next entry: the
   * prepared tmp file gets a CRC record carrying the chain, the metadata and the last hard state,
   * is synced, renamed into place and the directory fsynced. {@link #save} cuts by itself once the
   * tail reaches the segment size; call this to end a segment earlier, for example so that a backup
   * or {@link #releaseLockTo} can take whole segments, or in a test of several segments.
   *
   * @throws IllegalStateException if the WAL is not appendable (opened for read, closed, or {@link
   *     #readAll} not yet called)
   * @throws IOException if a write, sync or rename fails
   */
  public synchronized void cut() throws IOException {
    checkAppendable();
    long off = encoder.fileOffset();
    tail().truncate(off);
    sync();

    Path fpath = dir.resolve(WalNames.walName(seq() + 1, enti + 1));
    WalFs.WalFile newTail = fp.open();
    locks.add(newTail);
    int prevCrc = encoder.crc();
    encoder = new Encoder(newTail, 0, prevCrc);
    saveCrc(prevCrc);
    encoder.encode(METADATA_TYPE, metadata);
    if (!Util.isEmptyHardState(state)) {
      saveState(state);
    }
    sync();

    off = encoder.fileOffset();
    Path tmpPath = newTail.path();
    fs.rename(tmpPath, fpath);
    long t0 = System.nanoTime();
    fs.syncDir(dir);
    warnIfSlow(t0);
    newTail.close();
    locks.remove(locks.size() - 1);
    WalFs.WalFile reopened = openLocked(fpath);
    locks.add(reopened);
    encoder = new Encoder(reopened, off, encoder.crc());
    LOG.info("created a new WAL segment path={}", fpath);
  }

  /** Reports an fsync that began at {@code t0} to the sync listener, and warns if it was slow. */
  private void warnIfSlow(long t0) {
    long took = System.nanoTime() - t0;
    LongConsumer l = options.syncListener();
    if (l != null) {
      l.accept(took);
    }
    if (took > WARN_SYNC_NANOS) {
      LOG.warn(
          "slow fdatasync took={}ms expected-duration={}ms",
          TimeUnit.NANOSECONDS.toMillis(took),
          TimeUnit.NANOSECONDS.toMillis(WARN_SYNC_NANOS));
    }
  }

  /**
   * Releases the locks on segments that hold only entries before {@code index}, keeping the segment
   * that contains it and everything after, so a purger may delete the older ones.
   */
  public synchronized void releaseLockTo(long index) throws IOException {
    if (locks.isEmpty()) {
      return;
    }
    int smaller = locks.size() - 1;
    for (int i = 0; i < locks.size(); i++) {
      long lockIndex = WalNames.parse(locks.get(i).path().getFileName().toString()).index();
      if (lockIndex >= index) {
        smaller = i - 1;
        break;
      }
    }
    if (smaller <= 0) {
      return;
    }
    List<WalFs.WalFile> released = new ArrayList<>(locks.subList(0, smaller));
    locks.subList(0, smaller).clear();
    closeAll(released, null);
  }

  /** Stops the file pipeline, syncs the tail and releases every lock. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (fp != null) {
        FilePipeline p = fp;
        fp = null;
        p.close();
      }
      if (tail() != null && encoder != null) {
        sync();
      }
    } finally {
      closeLocks();
      closeAll(readFiles, null);
      readFiles = List.of();
    }
  }

  private void closeLocks() {
    List<WalFs.WalFile> all = new ArrayList<>(locks);
    locks.clear();
    closeAll(all, null);
  }

  private void closeQuietly(Exception cause) {
    try {
      closed = true;
      if (fp != null) {
        fp.close();
        fp = null;
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    closeLocks();
  }

  /** Closes every file, logging failures (or adding them to {@code cause}). */
  static void closeAll(List<WalFs.WalFile> files, Exception cause) {
    for (WalFs.WalFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (cause != null) {
          cause.addSuppressed(e);
        } else {
          LOG.warn("failed to close path={}", f.path(), e);
        }
      }
    }
  }

  private void checkAppendable() {
    if (closed) {
      throw new IllegalStateException("wal: closed");
    }
    if (encoder == null || tail() == null) {
      throw new IllegalStateException(
          "wal: not appendable (opened for read, or readAll not called)");
    }
  }

  private WalFs.WalFile tail() {
    return locks.isEmpty() ? null : locks.get(locks.size() - 1);
  }

  private long seq() {
    WalFs.WalFile t = tail();
    return t == null ? 0 : WalNames.parse(t.path().getFileName().toString()).seq();
  }

  /** The first indexes of the locked segments, oldest first (for tests). */
  synchronized List<Long> lockedIndexes() {
    List<Long> out = new ArrayList<>();
    for (WalFs.WalFile f : locks) {
      out.add(WalNames.parse(f.path().getFileName().toString()).index());
    }
    return out;
  }

  /** The tail's name and the offset up to which it has been written (for tests and tools). */
  synchronized String tailName() {
    return tail() == null ? null : tail().path().getFileName().toString();
  }

  synchronized long tailOffset() {
    return encoder == null ? -1 : encoder.fileOffset();
  }

  WalFs fs() {
    return fs;
  }

  /** The directory this WAL lives in. */
  public Path dir() {
    return dir;
  }

  // ---------------------------------------------------------------------------------------------
  // whole-directory operations

  /** Whether {@code dir} holds a WAL (any {@code *.wal} file). */
  public static boolean exist(Path dir) {
    return exist(dir, WalOptions.DEFAULT);
  }

  /** Whether {@code dir} on {@code options}' file system holds a WAL; see {@link #exist(Path)}. */
  public static boolean exist(Path dir, WalOptions options) {
    return WalNames.exist(options.fs(), dir);
  }

  /**
   * Checks, without locks, that the WAL from {@code snap} onwards reads cleanly: metadata agrees,
   * the CRC chain holds and the snapshot record matches. A torn tail is tolerated. Returns the last
   * hard state.
   */
  public static HardState verify(Path dir, Snapshot snap) throws IOException {
    return verify(dir, snap, WalOptions.DEFAULT);
  }

  /** {@link #verify(Path, Snapshot)} on {@code options}' file system. */
  public static HardState verify(Path dir, Snapshot snap, WalOptions options) throws IOException {
    return Verifier.verify(options.fs(), dir, snap);
  }

  /**
   * The snapshot records in the whole WAL whose index is at most the last hard state's commit,
   * oldest first: the snapshots a restart may load.
   */
  public static List<Snapshot> validSnapshotEntries(Path dir) throws IOException {
    return validSnapshotEntries(dir, WalOptions.DEFAULT);
  }

  /** {@link #validSnapshotEntries(Path)} on {@code options}' file system. */
  public static List<Snapshot> validSnapshotEntries(Path dir, WalOptions options)
      throws IOException {
    return Verifier.validSnapshotEntries(options.fs(), dir);
  }

  /**
   * Cuts a torn or truncated tail off the last segment, keeping a {@code .broken} copy. Returns
   * whether the WAL is now readable to its end; false for any damage other than a torn tail.
   */
  public static boolean repair(Path dir) {
    return repair(dir, WalOptions.DEFAULT);
  }

  /** {@link #repair(Path)} on {@code options}' file system. */
  public static boolean repair(Path dir, WalOptions options) {
    return Repair.repair(options.fs(), dir);
  }

  /**
   * {@link #repair(Path, WalOptions)} that reports why a repair failed instead of logging it and
   * returning false: on a full disk, for example, writing the {@code .broken} copy fails with
   * {@code No space left on device}, which is what an operator needs to read.
   *
   * @param dir the WAL directory
   * @param options the file system to use
   * @return true if the WAL now reads to its end; false if its damage is not a torn tail
   * @throws IOException if opening, copying or truncating the last segment failed
   */
  public static boolean repairChecked(Path dir, WalOptions options) throws IOException {
    return Repair.repairOrThrow(options.fs(), dir);
  }

  // ---------------------------------------------------------------------------------------------
  // raft helpers (etcd's raft.IsEmptyHardState and raft.MustSync)

}
