package io.raftj.raft.internal;

import io.raftj.raft.RaftLogger;

/**
 * Checks for broken invariants: the Java form of etcd's {@code panic}. A failed check throws {@link
 * IllegalStateException} carrying the same facts etcd's panic message gives.
 */
public final class Invariants {

  private Invariants() {}

  /**
   * Logs a broken invariant through {@code logger} at the panic level and returns the exception for
   * the caller to throw: {@code throw Invariants.panic(logger, "...", args)}. The caller's {@code
   * throw} is what stops the path, so safety does not depend on the logger: a {@link RaftLogger}
   * whose {@code panicf} returns normally still cannot let, say, a conflicting append overwrite a
   * committed entry. The compiler sees the path end, as after etcd's panic.
   *
   * @return the {@link IllegalStateException} the logger threw, or a new one with the same text
   *     when it returned normally
   */
  public static IllegalStateException panic(RaftLogger logger, String format, Object... args) {
    try {
      logger.panicf(format, args);
    } catch (IllegalStateException thrown) {
      return thrown;
    }
    return new IllegalStateException(GoFormat.format(format, args));
  }

  /**
   * Throws when {@code condition} is false, with the message rendered by {@link GoFormat}.
   *
   * @throws IllegalStateException if {@code condition} is false
   */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalStateException(GoFormat.format(format, args));
    }
  }
}
