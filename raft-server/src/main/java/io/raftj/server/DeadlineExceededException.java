package io.raftj.server;

/**
 * The operation's deadline passed before its outcome was known. For a proposal that had entered the
 * log the command may still be applied later; for a read nothing was changed.
 */
public final class DeadlineExceededException extends OutcomeUnknownException {
  private static final long serialVersionUID = 1L;

  DeadlineExceededException(String message) {
    super(message);
  }
}
