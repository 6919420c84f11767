package io.raftj.wal;

import java.io.IOException;

/**
 * A WAL condition a caller may branch on; the subclasses mirror etcd's {@code wal.Err*} sentinels.
 */
public class WalException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A WAL failure. */
  public WalException(String message) {
    super(message);
  }

  /** A WAL failure with its cause. */
  public WalException(String message, Throwable cause) {
    super(message, cause);
  }
}
