package io.raftj.raft;

/**
 * Thrown by {@link Storage#snapshot} when the snapshot is being prepared; Raft tries again later
 * instead of failing.
 *
 * <p>Mirrors {@code ErrSnapshotTemporarilyUnavailable} in etcd's {@code storage.go}; the message is
 * etcd's text. A stackless singleton: compare with {@code ==} or {@code instanceof}.
 */
public final class SnapshotTemporarilyUnavailableException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** The only instance. */
  public static final SnapshotTemporarilyUnavailableException INSTANCE =
      new SnapshotTemporarilyUnavailableException();

  private SnapshotTemporarilyUnavailableException() {
    super("snapshot is temporarily unavailable", null, false, false);
  }
}
