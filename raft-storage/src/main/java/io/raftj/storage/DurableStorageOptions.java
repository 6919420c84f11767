package io.raftj.storage;

import io.raftj.raft.RaftLogger;
import io.raftj.wal.WalFs;
import io.raftj.wal.WalOptions;
import java.util.Arrays;
import java.util.Objects;

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
  public static final DurableStorageOptions DEFAULT =
      new DurableStorageOptions(
          null,
          WalOptions.SEGMENT_SIZE_BYTES,
          5_000,
          5,
          5,
          Snapshotter.DEFAULT_MAX_BROKEN_FILES,
          StorageListener.NONE,
          null,
          WalFs.nio());

  private final byte[] walMetadata;
  private final long walSegmentSizeBytes;
  private final long snapshotCatchUpEntries;
  private final int maxSnapshotFiles;
  private final int maxWalSegments;
  private final int maxBrokenSnapshotFiles;
  private final StorageListener listener;
  private final RaftLogger logger;
  private final WalFs fs;

  private DurableStorageOptions(
      byte[] walMetadata,
      long walSegmentSizeBytes,
      long snapshotCatchUpEntries,
      int maxSnapshotFiles,
      int maxWalSegments,
      int maxBrokenSnapshotFiles,
      StorageListener listener,
      RaftLogger logger,
      WalFs fs) {
    require(walSegmentSizeBytes > 0, "walSegmentSizeBytes must be positive");
    require(snapshotCatchUpEntries >= 0, "snapshotCatchUpEntries must not be negative");
    require(maxSnapshotFiles >= 1, "maxSnapshotFiles must be at least 1");
    require(maxWalSegments >= 1, "maxWalSegments must be at least 1");
    require(maxBrokenSnapshotFiles >= 0, "maxBrokenSnapshotFiles must not be negative");
    this.walMetadata = walMetadata;
    this.walSegmentSizeBytes = walSegmentSizeBytes;
    this.snapshotCatchUpEntries = snapshotCatchUpEntries;
    this.maxSnapshotFiles = maxSnapshotFiles;
    this.maxWalSegments = maxWalSegments;
    this.maxBrokenSnapshotFiles = maxBrokenSnapshotFiles;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.logger = logger;
    this.fs = Objects.requireNonNull(fs, "fs");
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
    return new DurableStorageOptions(
        metadata == null ? null : Arrays.copyOf(metadata, metadata.length),
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        listener,
        logger,
        fs);
  }

  /** A copy with another WAL segment size. */
  public DurableStorageOptions withWalSegmentSizeBytes(long bytes) {
    return new DurableStorageOptions(
        walMetadata,
        bytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        listener,
        logger,
        fs);
  }

  /** A copy that keeps this many entries in memory behind each snapshot, for slow followers. */
  public DurableStorageOptions withSnapshotCatchUpEntries(long entries) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        entries,
        maxSnapshotFiles,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        listener,
        logger,
        fs);
  }

  /** A copy that keeps this many snapshot files (at least 1). */
  public DurableStorageOptions withMaxSnapshotFiles(int files) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        files,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        listener,
        logger,
        fs);
  }

  /** A copy that keeps this many WAL segments once snapshots let older ones go. */
  public DurableStorageOptions withMaxWalSegments(int segments) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        segments,
        maxBrokenSnapshotFiles,
        listener,
        logger,
        fs);
  }

  /** A copy that keeps this many {@code .snap.broken} files. */
  public DurableStorageOptions withMaxBrokenSnapshotFiles(int files) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        maxWalSegments,
        files,
        listener,
        logger,
        fs);
  }

  /** A copy that reports saves, snapshots and purges to {@code l}. */
  public DurableStorageOptions withListener(StorageListener l) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        l,
        logger,
        fs);
  }

  /** A copy that gives the recovered {@code MemoryStorage} the logger {@code l}. */
  public DurableStorageOptions withLogger(RaftLogger l) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        listener,
        l,
        fs);
  }

  /**
   * A copy whose data directory (snapshot files, WAL, lock file) lives on {@code f}: a
   * crash-simulating file system in tests, or a host's own. Production code keeps {@link
   * WalFs#nio()}.
   */
  public DurableStorageOptions withFs(WalFs f) {
    return new DurableStorageOptions(
        walMetadata,
        walSegmentSizeBytes,
        snapshotCatchUpEntries,
        maxSnapshotFiles,
        maxWalSegments,
        maxBrokenSnapshotFiles,
        listener,
        logger,
        f);
  }
}
