package io.raftj.raft;

/**
 * The {@link Node} was stopped before the operation completed. Mirrors etcd's {@code ErrStopped}.
 * Stackless.
 */
public final class StoppedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The single instance. */
  public static final StoppedException INSTANCE = new StoppedException();

  private StoppedException() {
    super("raft: stopped", null, false, false);
  }
}
