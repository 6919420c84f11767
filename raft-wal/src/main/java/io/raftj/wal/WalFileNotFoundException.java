package io.raftj.wal;

/**
 * No segment fits the request: etcd's {@code ErrFileNotFound} ("wal: file not found") for an empty
 * directory, and its "file not found which matches the snapshot index" and "file sequence numbers
 * ... do not increase continuously" errors.
 */
public final class WalFileNotFoundException extends WalException {
  private static final long serialVersionUID = 1L;

  /** No segment where one is needed. */
  public WalFileNotFoundException(String message) {
    super(message);
  }
}
