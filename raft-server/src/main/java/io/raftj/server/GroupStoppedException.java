package io.raftj.server;

/**
 * The group was stopped (closed, its server closed, removed from the membership, or failed) before
 * the operation completed. A proposal that had entered the log may still be applied by the other
 * members.
 */
public final class GroupStoppedException extends RaftServerException {
  private static final long serialVersionUID = 1L;

  GroupStoppedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
