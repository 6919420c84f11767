package io.raftj.wal;

/**
 * Settings for a {@link Wal}; immutable, with {@code with*} copies. The defaults are etcd's.
 */
public final class WalOptions {
  /** etcd's SegmentSizeBytes: 64 MB (decimal), the size segments are preallocated to and cut at. */
  public static final long SEGMENT_SIZE_BYTES = 64L * 1000 * 1000;

  public static final WalOptions DEFAULT = new WalOptions(SEGMENT_SIZE_BYTES, NioWalFs.INSTANCE);

  private final long segmentSizeBytes;
  private final WalFs fs;

  private WalOptions(long segmentSizeBytes, WalFs fs) {
    if (segmentSizeBytes <= 0) {
      throw new IllegalArgumentException("segmentSizeBytes must be positive: " + segmentSizeBytes);
    }
    this.segmentSizeBytes = segmentSizeBytes;
    this.fs = fs;
  }

  public long segmentSizeBytes() {
    return segmentSizeBytes;
  }

  /** A copy with another segment size (etcd tests shrink it; production keeps 64 MB). */
  public WalOptions withSegmentSizeBytes(long bytes) {
    return new WalOptions(bytes, fs);
  }

  WalFs fs() {
    return fs;
  }

  WalOptions withFs(WalFs other) {
    return new WalOptions(segmentSizeBytes, other);
  }
}
