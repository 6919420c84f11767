package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;

/**
 * The logger the core writes through, with etcd raft's levels and Go-printf templates.
 *
 * <p>Log lines in the core are part of its observable behaviour: the interaction harness writes
 * them into script output, so the texts and levels match etcd's. Templates use Go's verbs ({@code
 * %d}, {@code %x}, {@code %s}, {@code %v}, {@code %q}, {@code %t}) and are rendered by {@link
 * GoFormat}. Implementations must be thread-safe when shared between nodes.
 *
 * <p>Mirrors {@code Logger} in etcd's {@code logger.go}. {@link #panicf} logs and then throws;
 * nothing calls {@code System.exit}, so {@link #fatalf} throws too.
 */
public interface RaftLogger {

  /** True when debug lines are written; guard expensive arguments with it. */
  boolean isDebugEnabled();

  /**
   * Writes a debug line; {@code format} is Go-printf compatible ({@code %x}, {@code %d}, {@code
   * %v}).
   */
  void debugf(String format, Object... args);

  /** Writes an info line. */
  void infof(String format, Object... args);

  /** Writes a warning line. */
  void warningf(String format, Object... args);

  /** Writes an error line. */
  void errorf(String format, Object... args);

  /**
   * Logs at the fatal level and throws {@link IllegalStateException} with the formatted text.
   *
   * @throws IllegalStateException always
   */
  void fatalf(String format, Object... args);

  /**
   * Logs at the panic level and throws {@link IllegalStateException} with the formatted text: a
   * broken invariant, as etcd's {@code Panicf}. The core never relies on this method to stop: it
   * calls it through {@code Invariants.panic} and throws itself, so an implementation that only
   * logs cannot let a broken invariant through.
   *
   * @throws IllegalStateException always, in the implementations this library provides
   */
  void panicf(String format, Object... args);

  /** The default logger: writes to slf4j under the name {@code io.raftj.raft}. */
  static RaftLogger defaultLogger() {
    return Slf4jRaftLogger.DEFAULT;
  }

  /** A logger that writes nothing; {@link #panicf} and {@link #fatalf} still throw. */
  static RaftLogger discard() {
    return DiscardRaftLogger.INSTANCE;
  }
}
