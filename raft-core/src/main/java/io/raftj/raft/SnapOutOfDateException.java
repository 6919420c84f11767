package io.raftj.raft;

/**
 * Thrown by {@link MemoryStorage#createSnapshot} and {@link MemoryStorage#applySnapshot} when the
 * snapshot index is not newer than the existing snapshot.
 *
 * <p>Mirrors {@code ErrSnapOutOfDate} in etcd's {@code storage.go}; the message is etcd's text. A
 * stackless singleton: compare with {@code ==} or {@code instanceof}.
 */
public final class SnapOutOfDateException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** The only instance. */
  public static final SnapOutOfDateException INSTANCE = new SnapOutOfDateException();

  private SnapOutOfDateException() {
    super("requested index is older than the existing snapshot", null, false, false);
  }
}
