package io.raftj.wal;

import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Settings for a {@link Wal}; immutable, with {@code with*} copies. The defaults are etcd's: 64 MB
 * segments on the production file system ({@link WalFs#nio()}), and no sync listener.
 */
public final class WalOptions {
  /** etcd's SegmentSizeBytes: 64 MB (decimal), the size segments are preallocated to and cut at. */
  public static final long SEGMENT_SIZE_BYTES = 64L * 1000 * 1000;

  /** 64 MB segments on the production file system, no sync listener. */
  public static final WalOptions DEFAULT =
      new WalOptions(SEGMENT_SIZE_BYTES, NioWalFs.INSTANCE, null);

  private final long segmentSizeBytes;
  private final WalFs fs;
  private final LongConsumer syncListener;

  private WalOptions(long segmentSizeBytes, WalFs fs, LongConsumer syncListener) {
    if (segmentSizeBytes <= 0) {
      throw new IllegalArgumentException("segmentSizeBytes must be positive: " + segmentSizeBytes);
    }
    this.segmentSizeBytes = segmentSizeBytes;
    this.fs = Objects.requireNonNull(fs, "fs");
    this.syncListener = syncListener;
  }

  /** The size segments are preallocated to and cut at. */
  public long segmentSizeBytes() {
    return segmentSizeBytes;
  }

  /** A copy with another segment size (etcd tests shrink it; production keeps 64 MB). */
  public WalOptions withSegmentSizeBytes(long bytes) {
    return new WalOptions(bytes, fs, syncListener);
  }

  /** The file system the WAL's files live on. */
  public WalFs fs() {
    return fs;
  }

  /**
   * A copy over another file system: a crash-simulating one in tests, or a host's own. Production
   * code keeps {@link WalFs#nio()}.
   */
  public WalOptions withFs(WalFs other) {
    return new WalOptions(segmentSizeBytes, other, syncListener);
  }

  /** The listener told how long each fsync took, or null for none. */
  public LongConsumer syncListener() {
    return syncListener;
  }

  /**
   * A copy whose WAL calls {@code listener} with the nanoseconds each fsync took: every fdatasync
   * of the tail (after a save that Raft requires to be durable, a snapshot record, a segment cut, a
   * close) and the directory fsync of a cut, as etcd observes {@code wal_fsync_duration_seconds}.
   * It runs on the saving thread, inside the save: keep it cheap and never throw. Null for none.
   */
  public WalOptions withSyncListener(LongConsumer listener) {
    return new WalOptions(segmentSizeBytes, fs, listener);
  }
}
