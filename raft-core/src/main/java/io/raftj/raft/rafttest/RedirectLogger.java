package io.raftj.raft.rafttest;

import io.raftj.raft.RaftLogger;
import io.raftj.raft.internal.GoFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link RaftLogger} that writes raft's log lines into the interaction harness output, each
 * prefixed with its level name, so that they interleave with the harness's own output exactly where
 * they are emitted. Mirrors {@code RedirectLogger} in etcd's {@code
 * rafttest/interaction_env_logger.go}.
 *
 * <p>The level {@code NONE} silences everything written to the buffer, the harness output included.
 * Not thread-safe: the harness drives all nodes from one thread.
 */
public final class RedirectLogger implements RaftLogger {

  /** The level names, in order of increasing severity; the index is the level. */
  public static final List<String> LEVEL_NAMES =
      List.of("DEBUG", "INFO", "WARN", "ERROR", "FATAL", "NONE");

  static final int DEBUG = 0;
  static final int INFO = 1;
  static final int WARN = 2;
  static final int ERROR = 3;
  static final int FATAL = 4;
  static final int NONE = 5;

  private StringBuilder builder = new StringBuilder();
  private int level = DEBUG;

  /** Written lines whose arguments rendered across lines; see {@link #brokenLines}. */
  private final List<String> brokenLines = new ArrayList<>();

  /** Creates a logger at level {@code DEBUG} with an empty buffer. */
  public RedirectLogger() {}

  /** The current level: 0 = DEBUG ... 5 = NONE. */
  public int level() {
    return level;
  }

  /** Sets the lowest level written. */
  public void setLevel(int level) {
    if (level < DEBUG || level > NONE) {
      throw new IllegalArgumentException("no such log level: " + level);
    }
    this.level = level;
  }

  /**
   * Sets the level by name, matched case-insensitively against {@link #LEVEL_NAMES}.
   *
   * @throws InteractionException with etcd's text when the name is unknown
   */
  public void setLevel(String name) {
    for (int i = 0; i < LEVEL_NAMES.size(); i++) {
      if (LEVEL_NAMES.get(i).equalsIgnoreCase(name)) {
        level = i;
        return;
      }
    }
    throw new InteractionException(GoFormat.format("log levels must be either of %v", LEVEL_NAMES));
  }

  /** True under {@code NONE}: nothing reaches the buffer. */
  public boolean quiet() {
    return level == NONE;
  }

  /** Appends {@code s} unless the logger is quiet. */
  public void write(String s) {
    if (!quiet()) {
      builder.append(s);
    }
  }

  /** Formats a Go-printf template and appends it unless the logger is quiet. */
  public void writef(String format, Object... args) {
    if (!quiet()) {
      builder.append(render(format, args));
    }
  }

  /**
   * The lines written so far (log lines and {@link #writef} text) in which an argument, not the
   * template, put a line break. etcd renders every value it logs on one line (a protobuf message in
   * its compact text form), so a non-empty list means a value was rendered the Java way.
   */
  List<String> brokenLines() {
    return Collections.unmodifiableList(brokenLines);
  }

  private String render(String format, Object... args) {
    String text = GoFormat.format(format, args);
    if (lineBreaks(text) > lineBreaks(format)) {
      brokenLines.add(text);
    }
    return text;
  }

  private static int lineBreaks(String s) {
    int n = 0;
    for (int i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) {
      n++;
    }
    return n;
  }

  /** The number of characters buffered, whatever the level. */
  public int length() {
    return builder.length();
  }

  /** Clears the buffer (the level is kept). */
  public void reset() {
    builder.setLength(0);
  }

  @Override
  public String toString() {
    return builder.toString();
  }

  /**
   * Swaps in a fresh buffer and returns the previous one; {@link #restore} puts it back. Used to
   * capture a block of output for indentation.
   */
  StringBuilder swap() {
    StringBuilder old = builder;
    builder = new StringBuilder();
    return old;
  }

  /** Puts back a buffer returned by {@link #swap} and returns the captured one. */
  StringBuilder restore(StringBuilder old) {
    StringBuilder captured = builder;
    builder = old;
    return captured;
  }

  private void printf(int lvl, String format, Object... args) {
    if (level <= lvl) {
      write(LEVEL_NAMES.get(lvl));
      write(" ");
      write(render(format, args));
      if (!format.isEmpty() && format.charAt(format.length() - 1) != '\n') {
        write("\n");
      }
    }
  }

  @Override
  public boolean isDebugEnabled() {
    return level <= DEBUG;
  }

  @Override
  public void debugf(String format, Object... args) {
    printf(DEBUG, format, args);
  }

  @Override
  public void infof(String format, Object... args) {
    printf(INFO, format, args);
  }

  @Override
  public void warningf(String format, Object... args) {
    printf(WARN, format, args);
  }

  @Override
  public void errorf(String format, Object... args) {
    printf(ERROR, format, args);
  }

  @Override
  public void fatalf(String format, Object... args) {
    printf(FATAL, format, args);
    throw new IllegalStateException(GoFormat.format(format, args));
  }

  /** Logs at the FATAL level, as etcd's harness does for panics, and throws. */
  @Override
  public void panicf(String format, Object... args) {
    fatalf(format, args);
  }
}
