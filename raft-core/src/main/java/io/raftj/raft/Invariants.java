package io.raftj.raft;

/**
 * Checks for broken invariants: the Java form of etcd's {@code panic}. A failed check throws
 * {@link IllegalStateException} carrying the same facts etcd's panic message gives.
 */
public final class Invariants {

  private Invariants() {}

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
