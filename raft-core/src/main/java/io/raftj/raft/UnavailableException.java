package io.raftj.raft;

/**
 * Thrown by a {@link Storage} when the requested log entries are not (yet) available.
 *
 * <p>Mirrors {@code ErrUnavailable} in etcd's {@code storage.go}; the message is etcd's text. A
 * stackless singleton: compare with {@code ==} or {@code instanceof}.
 */
public final class UnavailableException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** The only instance. */
  public static final UnavailableException INSTANCE = new UnavailableException();

  private UnavailableException() {
    super("requested entry at index is unavailable", null, false, false);
  }
}
