package io.raftj.server;

/**
 * A membership change was refused because it would break the group or is not a change: removing the
 * last voter, adding a server that is already a member, promoting one that is not a learner,
 * removing one that is not a member, or another change still in progress.
 */
public final class MembershipChangeException extends RaftServerException {
  private static final long serialVersionUID = 1L;

  MembershipChangeException(String message) {
    super(message, true);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
