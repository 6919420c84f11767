package io.raftj.server;

/**
 * The operation's outcome cannot be known here: its deadline passed, or this member was caught up
 * by a snapshot that covers the proposal's index, so it never saw which entry was committed there.
 * The command may or may not have been applied; retry only if it is idempotent.
 */
public class OutcomeUnknownException extends RaftServerException {
  private static final long serialVersionUID = 1L;

  OutcomeUnknownException(String message) {
    super(message, false);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
