package io.raftj.examples.kv.jepsen;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client learned from one request, in Jepsen's terms: {@code OK} (it took effect, with the
 * value read), {@code FAIL} (it certainly did not take effect) or {@code INFO} (it may have).
 *
 * <p>Error answers are JSON {@code {"error":..., "code":..., "leader":...}}. The codes that promise
 * the request was not applied are {@link #DEFINITELY_NOT_APPLIED}; any other answer to a write (a
 * timeout, {@code OUTCOME_UNKNOWN}, an unknown code, a plain-text error, a broken connection) is
 * indeterminate. A read has no effect, so a read that did not succeed is simply dropped.
 */
record Outcome(Kind kind, long value, String detail) {

  /** Jepsen's three completions of an invocation. */
  enum Kind {
    OK,
    FAIL,
    INFO
  }

  /** Error codes after which a write is known not to have been applied. */
  static final Set<String> DEFINITELY_NOT_APPLIED =
      Set.of("NOT_LEADER", "NO_LEADER", "PROPOSAL_LOST", "REMOVED", "BAD_REQUEST", "MEMBERSHIP");

  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

  static Outcome ok(long value) {
    return new Outcome(Kind.OK, value, "");
  }

  static Outcome fail(String detail) {
    return new Outcome(Kind.FAIL, 0, detail);
  }

  static Outcome info(String detail) {
    return new Outcome(Kind.INFO, 0, detail);
  }

  /** Classifies the answer to a PUT. */
  static Outcome ofWrite(int status, String body, long value) {
    if (status >= 200 && status < 300) {
      return ok(value);
    }
    String detail = status + " " + firstLine(body);
    if (status == 413 || status == 431) {
      return fail(detail);
    }
    String code = code(body);
    return code != null && DEFINITELY_NOT_APPLIED.contains(code) ? fail(detail) : info(detail);
  }

  /**
   * Classifies the answer to a GET: 200 with the value (a number, the op ID of the write that wrote
   * it), 404 with the initial value 0, anything else a failure.
   */
  static Outcome ofRead(int status, String body) {
    if (status == 404) {
      return ok(0);
    }
    if (status != 200) {
      return fail(status + " " + firstLine(body));
    }
    try {
      return ok(Long.parseLong(body.trim()));
    } catch (NumberFormatException e) {
      return ok(-1); // no write wrote this: the checker reports it
    }
  }

  /** The {@code code} field of a JSON error body, or null. */
  static String code(String body) {
    Matcher m = CODE.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  private static String firstLine(String body) {
    String s = body.strip();
    int nl = s.indexOf('\n');
    s = nl < 0 ? s : s.substring(0, nl);
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }
}
