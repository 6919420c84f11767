package io.raftj.examples.kv;

import io.raftj.server.DeadlineExceededException;
import io.raftj.server.GroupStoppedException;
import io.raftj.server.MembershipChangeException;
import io.raftj.server.NotLeaderException;
import io.raftj.server.OutcomeUnknownException;
import io.raftj.server.ProposalLostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The API's error contract: each failure an operation can end in, as a status code and a
 * machine-readable code (see docs/operations.md, "Errors"). 503 means the operation was definitely
 * not applied; 504 means it may or may not have been.
 */
final class ApiError {

  static final String NOT_LEADER = "NOT_LEADER";
  static final String NO_LEADER = "NO_LEADER";
  static final String PROPOSAL_LOST = "PROPOSAL_LOST";
  static final String TIMEOUT = "TIMEOUT";
  static final String OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN";
  static final String REMOVED = "REMOVED";
  static final String BAD_REQUEST = "BAD_REQUEST";
  static final String NOT_FOUND = "NOT_FOUND";
  static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  static final String TOO_LARGE = "TOO_LARGE";
  static final String URI_TOO_LONG = "URI_TOO_LONG";
  static final String HEADERS_TOO_LARGE = "HEADERS_TOO_LARGE";
  static final String MEMBERSHIP = "MEMBERSHIP";
  static final String INTERNAL = "INTERNAL";

  private ApiError() {}

  /** A failure the handler detects itself; carries its answer. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Failure(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  static Failure badRequest(String message) {
    return new Failure(400, BAD_REQUEST, message);
  }

  /** The answer for {@code t}, an operation's failure on {@code node}. */
  static Response of(Throwable t, KvNode node) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    long leader = node.status().leader();
    if (t instanceof Failure f) {
      return Response.error(f.status, f.code, f.getMessage(), leader);
    }
    if (t instanceof NotLeaderException e) {
      long hint = e.leaderHint();
      if (hint == 0) {
        return Response.error(
            503,
            NO_LEADER,
            "no leader: an election is under way or there is no quorum ("
                + e.getMessage()
                + "); not applied, retry",
            0);
      }
      return Response.error(
          503,
          NOT_LEADER,
          "node "
              + Long.toUnsignedString(node.id())
              + " is not the leader; the leader is node "
              + Long.toUnsignedString(hint)
              + " ("
              + e.getMessage()
              + "); not applied, retry there",
          hint);
    }
    if (t instanceof ProposalLostException) {
      return Response.error(
          503,
          PROPOSAL_LOST,
          "a new leader replaced the write before it committed; not"
              + " applied, retry ("
              + t.getMessage()
              + ")",
          leader);
    }
    if (t instanceof DeadlineExceededException) {
      return Response.error(
          504,
          TIMEOUT,
          "no outcome within "
              + node.flags().requestTimeoutMs()
              + " ms; it may still be applied ("
              + t.getMessage()
              + ")",
          leader);
    }
    if (t instanceof OutcomeUnknownException) {
      return Response.error(
          504,
          OUTCOME_UNKNOWN,
          "this node cannot know whether it was applied (" + t.getMessage() + ")",
          leader);
    }
    if (t instanceof MembershipChangeException) {
      return Response.error(409, MEMBERSHIP, t.getMessage(), leader);
    }
    if (t instanceof GroupStoppedException) {
      if (node.noteStopped()) {
        return Response.error(
            504,
            OUTCOME_UNKNOWN,
            "node "
                + Long.toUnsignedString(node.id())
                + " was removed from the cluster while the request was pending; it may or may not have been"
                + " applied",
            0);
      }
      return Response.error(
          504,
          OUTCOME_UNKNOWN,
          "node "
              + Long.toUnsignedString(node.id())
              + " is stopping; the request may or may not have been applied ("
              + t.getMessage()
              + ")",
          0);
    }
    if (t instanceof IllegalArgumentException) {
      return Response.error(400, BAD_REQUEST, t.getMessage(), leader);
    }
    return Response.error(500, INTERNAL, "internal error: " + t, leader);
  }

  /** The answer to any request on a node that was removed. */
  static Response removed(KvNode node) {
    return Response.error(
        410,
        REMOVED,
        "node "
            + Long.toUnsignedString(node.id())
            + " was removed from the cluster; send requests to a current member (GET /members on one)",
        0);
  }
}
