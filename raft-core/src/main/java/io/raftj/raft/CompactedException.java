package io.raftj.raft;

/**
 * Thrown by {@link Storage#entries}, {@link Storage#term} and {@link MemoryStorage#compact} when a
 * requested index predates the last snapshot.
 *
 * <p>Mirrors {@code ErrCompacted} in etcd's {@code storage.go}; the message is etcd's text. A
 * stackless singleton: compare with {@code ==} or {@code instanceof}.
 */
public final class CompactedException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** The only instance. */
  public static final CompactedException INSTANCE = new CompactedException();

  private CompactedException() {
    super("requested index is unavailable due to compaction", null, false, false);
  }
}
