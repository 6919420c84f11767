package io.raftj.raft;

import org.jspecify.annotations.Nullable;

/**
 * A failure reported by a {@link Storage}: the base of etcd's storage sentinel errors ({@code
 * ErrCompacted}, {@code ErrUnavailable}, {@code ErrSnapOutOfDate}, {@code
 * ErrSnapshotTemporarilyUnavailable} in etcd's {@code storage.go}).
 *
 * <p>Raft branches on the specific subclasses, which are stackless singletons compared by identity.
 * A {@code Storage} implementation may throw other instances of this class (or any other unchecked
 * exception) for failures Raft cannot handle; like etcd, Raft then stops working and the
 * application must recover.
 */
public class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A storage failure with a message and an optional cause; it records a stack trace. */
  public StorageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** For the stackless sentinel subclasses. */
  protected StorageException(
      String message,
      @Nullable Throwable cause,
      boolean enableSuppression,
      boolean writableStackTrace) {
    super(message, cause, enableSuppression, writableStackTrace);
  }
}
