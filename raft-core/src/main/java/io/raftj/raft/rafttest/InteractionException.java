package io.raftj.raft.rafttest;

/**
 * An error a harness command returns: its message is written into the script output (Go: a
 * handler's returned {@code error}), unlike a malformed script, which fails the test.
 */
public final class InteractionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A command that cannot run, in the harness's words. */
  public InteractionException(String message) {
    super(message, null, false, false);
  }
}
