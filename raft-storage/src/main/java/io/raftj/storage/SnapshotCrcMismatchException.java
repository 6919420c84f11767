package io.raftj.storage;

import java.io.IOException;

/**
 * A snapshot file's data does not match the CRC-32C stored beside it. Mirrors {@code
 * ErrCRCMismatch} in etcd's {@code snap/snapshotter.go}.
 */
public final class SnapshotCrcMismatchException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int storedCrc;
  private final int computedCrc;

  /** The data's CRC is not the one stored beside it. */
  public SnapshotCrcMismatchException(int storedCrc, int computedCrc) {
    super("snap: crc mismatch");
    this.storedCrc = storedCrc;
    this.computedCrc = computedCrc;
  }

  /** The CRC written in the file (etcd logs it as {@code prev-crc}). */
  public int storedCrc() {
    return storedCrc;
  }

  /** The CRC of the data as read (etcd logs it as {@code new-crc}). */
  public int computedCrc() {
    return computedCrc;
  }
}
