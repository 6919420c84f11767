package io.raftj.storage;

import io.raftj.raft.RaftLogger;
import io.raftj.wal.WalFs;
import io.raftj.wal.WalOptions;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Settings for {@link DurableStorage}: WAL metadata and segment size, how many entries to keep
 * behind a snapshot for slow followers, and how many snapshot files, WAL segments and broken
 * snapshot files to retain. Immutable; each {@code withX} returns a copy.
 *
 * <p>The defaults follow etcd: 64 MB WAL segments, 5 WAL segments and 5 snapshot files retained
 * ({@code --max-wals}, {@code --max-snapshots}), and 5,000 entries kept behind each snapshot
 * ({@code SnapshotCatchUpEntries}). Files live on the production file system ({@link WalFs#nio()}).
 */
public final class DurableStorageOptions {

  /** The defaults described in the class comment. */
  public static final DurableStorageOptions DEFAULT = new DurableStorageOptions(new Fields());

  private final byte[] walMetadata;
  private final long walSegmentSizeBytes;
  private final long snapshotCatchUpEntries;
  private final int maxSnapshotFiles;
  private final int maxWalSegments;
  private final int maxBrokenSnapshotFiles;
  private final StorageListener listener;
  private final RaftLogger logger;
  private final WalFs fs;

  private DurableStorageOptions(Fields f) {
    require(f.walSegmentSizeBytes > 0, "walSegmentSizeBytes must be positive");
    require(f.snapshotCatchUpEntries >= 0, "snapshotCatchUpEntries must not be negative");
    require(f.maxSnapshotFiles >= 1, "maxSnapshotFiles must be at least 1");
    require(f.maxWalSegments >= 1, "maxWalSegments must be at least 1");
    require(f.maxBrokenSnapshotFiles >= 0, "maxBrokenSnapshotFiles must not be negative");
    this.walMetadata = f.walMetadata;
    this.walSegmentSizeBytes = f.walSegmentSizeBytes;
    this.snapshotCatchUpEntries = f.snapshotCatchUpEntries;
    this.maxSnapshotFiles = f.maxSnapshotFiles;
    this.maxWalSegments = f.maxWalSegments;
    this.maxBrokenSnapshotFiles = f.maxBrokenSnapshotFiles;
    this.listener = Objects.requireNonNull(f.listener, "listener");
    this.logger = f.logger;
    this.fs = Objects.requireNonNull(f.fs, "fs");
  }

  /** The fields of an instance (the defaults when new), to change before building the next. */
  private static final class Fields {
    byte[] walMetadata;
    long walSegmentSizeBytes = WalOptions.SEGMENT_SIZE_BYTES;
    long snapshotCatchUpEntries = 5_000;
    int maxSnapshotFiles = 5;
    int maxWalSegments = 5;
    int maxBrokenSnapshotFiles = Snapshotter.DEFAULT_MAX_BROKEN_FILES;
    StorageListener listener = StorageListener.NONE;
    RaftLogger logger;
    WalFs fs = WalFs.nio();

    Fields() {}

    Fields(DurableStorageOptions o) {
      walMetadata = o.walMetadata;
      walSegmentSizeBytes = o.walSegmentSizeBytes;
      snapshotCatchUpEntries = o.snapshotCatchUpEntries;
      maxSnapshotFiles = o.maxSnapshotFiles;
      maxWalSegments = o.maxWalSegments;
      maxBrokenSnapshotFiles = o.maxBrokenSnapshotFiles;
      listener = o.listener;
      logger = o.logger;
      fs = o.fs;
    }
  }

  /** A copy with what {@code change} sets on the fields of this one; validated again. */
  private DurableStorageOptions with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return new DurableStorageOptions(f);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Application bytes written at the head of every WAL segment of a new directory; null (the
   * default, as in etcd's raftexample) writes none.
   */
  public byte[] walMetadata() {
    return walMetadata == null ? null : walMetadata.clone();
  }

  /** The WAL segment size (etcd's {@code SegmentSizeBytes}); tests shrink it. */
  public long walSegmentSizeBytes() {
    return walSegmentSizeBytes;
  }

  /**
   * How many entries {@link DurableStorage#snapshot} keeps in memory behind a new snapshot, so a
   * follower that lags by less still catches up by entries rather than by a whole snapshot.
   */
  public long snapshotCatchUpEntries() {
    return snapshotCatchUpEntries;
  }

  /** How many {@code .snap} files are kept (at least 1). */
  public int maxSnapshotFiles() {
    return maxSnapshotFiles;
  }

  /** How many WAL segments are kept at least; segments still needed are never purged. */
  public int maxWalSegments() {
    return maxWalSegments;
  }

  /** How many {@code .snap.broken} files are kept. */
  public int maxBrokenSnapshotFiles() {
    return maxBrokenSnapshotFiles;
  }

  /** Receives durations, sizes and file counts. */
  public StorageListener listener() {
    return listener;
  }

  /** The logger handed to the recovered {@code MemoryStorage}; null for its default. */
  public RaftLogger logger() {
    return logger;
  }

  /** The file system the data directory lives on. */
  public WalFs fs() {
    return fs;
  }

  /**
   * The WAL's options: this segment size and file system, and a sync listener that forwards each
   * WAL fsync's duration to {@link StorageListener#walFsynced}.
   */
  WalOptions walOptions() {
    StorageListener l = listener;
    return WalOptions.DEFAULT
        .withSegmentSizeBytes(walSegmentSizeBytes)
        .withFs(fs)
        .withSyncListener(l == StorageListener.NONE ? null : l::walFsynced);
  }

  /** A copy with the metadata written into a new WAL (etcd writes the member and cluster IDs). */
  public DurableStorageOptions withWalMetadata(byte[] metadata) {
    return with(
        f -> f.walMetadata = metadata == null ? null : Arrays.copyOf(metadata, metadata.length));
  }

  /** A copy with another WAL segment size. */
  public DurableStorageOptions withWalSegmentSizeBytes(long bytes) {
    return with(f -> f.walSegmentSizeBytes = bytes);
  }

  /** A copy that keeps this many entries in memory behind each snapshot, for slow followers. */
  public DurableStorageOptions withSnapshotCatchUpEntries(long entries) {
    return with(f -> f.snapshotCatchUpEntries = entries);
  }

  /** A copy that keeps this many snapshot files (at least 1). */
  public DurableStorageOptions withMaxSnapshotFiles(int files) {
    return with(f -> f.maxSnapshotFiles = files);
  }

  /** A copy that keeps this many WAL segments once snapshots let older ones go. */
  public DurableStorageOptions withMaxWalSegments(int segments) {
    return with(f -> f.maxWalSegments = segments);
  }

  /** A copy that keeps this many {@code .snap.broken} files. */
  public DurableStorageOptions withMaxBrokenSnapshotFiles(int files) {
    return with(f -> f.maxBrokenSnapshotFiles = files);
  }

  /** A copy that reports saves, snapshots and purges to {@code l}. */
  public DurableStorageOptions withListener(StorageListener l) {
    return with(f -> f.listener = l);
  }

  /** A copy that gives the recovered {@code MemoryStorage} the logger {@code l}. */
  public DurableStorageOptions withLogger(RaftLogger l) {
    return with(f -> f.logger = l);
  }

  /**
   * A copy whose data directory (snapshot files, WAL, lock file) lives on {@code f}: a
   * crash-simulating file system in tests, or a host's own. Production code keeps {@link
   * WalFs#nio()}.
   */
  public DurableStorageOptions withFs(WalFs f) {
    return with(c -> c.fs = f);
  }
}
