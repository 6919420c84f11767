package io.raftj.raft.confchange;

/**
 * A configuration change that {@link Changer} refuses, or a configuration that breaks the tracker's
 * invariants. The message is etcd's error text, e.g. {@code "config is already joint"} or {@code
 * "removed all voters"}.
 */
public final class ConfChangeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A refused change, with etcd's text. */
  public ConfChangeException(String message) {
    super(message);
  }
}
