package io.raftj.server;

/**
 * The failures a {@link RaftGroup} operation's future can complete with. Each subclass is a
 * distinct outcome a caller branches on; {@link #retryable()} says whether trying again (at {@code
 * leaderHint} when there is one) may succeed. Frequent ones carry no stack trace.
 */
public abstract class RaftServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RaftServerException(String message, boolean stackTrace) {
    super(message, null, false, stackTrace);
  }

  RaftServerException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the same operation may succeed if tried again. */
  public abstract boolean retryable();
}
