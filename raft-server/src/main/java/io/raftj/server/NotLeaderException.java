package io.raftj.server;

/**
 * The proposal or read was dropped before entering the log: this member is not the leader, there is
 * no leader, a leader transfer is under way, or too much is already pending. Nothing was appended,
 * so retrying cannot apply the command twice.
 */
public final class NotLeaderException extends RaftServerException {
  private static final long serialVersionUID = 1L;

  private final long leaderHint;

  NotLeaderException(String message, long leaderHint) {
    super(message, false);
    this.leaderHint = leaderHint;
  }

  /** The server ID of the leader this member knows of, or 0 when it knows none. */
  public long leaderHint() {
    return leaderHint;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
