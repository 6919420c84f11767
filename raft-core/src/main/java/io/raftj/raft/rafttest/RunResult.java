package io.raftj.raft.rafttest;

/**
 * The outcome of running one data-driven script.
 *
 * @param name the script's name (its path as given)
 * @param original the script as read
 * @param actual the script as it reads with the actual output in place of the expected output (what
 *     a rewrite writes); null when the run stopped on an error
 * @param cases how many directives ran (0 when the run stopped on an error)
 * @param mismatches how many directives printed something other than their expected output
 * @param error why the run stopped ({@code file:line: directive: reason}), or null
 * @param cause the exception behind {@code error}, or null
 */
public record RunResult(
    String name,
    String original,
    String actual,
    int cases,
    int mismatches,
    String error,
    Throwable cause) {

  static RunResult error(String name, String original, String error, Throwable cause) {
    return new RunResult(name, original, null, 0, 0, error, cause);
  }

  /** Tells whether every directive ran and printed exactly its expected output. */
  public boolean passed() {
    return error == null && mismatches == 0;
  }

  /**
   * A unified diff from the script to the script with the actual output ({@code ---} expected,
   * {@code +++} actual), or the empty string when they are equal or the run stopped on an error.
   */
  public String diff() {
    if (actual == null) {
      return "";
    }
    return UnifiedDiff.diff(name + " (expected)", name + " (actual)", original, actual);
  }

  /** The reason for failing: the error, or the diff; empty when the script passed. */
  public String failureMessage() {
    if (error != null) {
      return error;
    }
    if (mismatches == 0) {
      return "";
    }
    return mismatches + " of " + cases + " directives differ in " + name + ":\n" + diff();
  }

  /**
   * Throws an {@link AssertionError} carrying {@link #failureMessage()} unless the script passed.
   */
  public void assertPassed() {
    if (!passed()) {
      throw new AssertionError(failureMessage(), cause);
    }
  }
}
