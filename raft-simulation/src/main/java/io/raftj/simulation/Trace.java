package io.raftj.simulation;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened in a run, one line per event: the last {@link #KEPT} lines are kept for a failure
 * report, and with a sink every line is printed as it happens (replaying a seed).
 */
final class Trace {
  static final int KEPT = 60;

  private final ArrayDeque<String> last = new ArrayDeque<>();
  private final PrintStream sink;
  private final boolean messages;

  /**
   * A trace printing to {@code sink} (null: keep only the last lines); {@code messages} adds every
   * delivery.
   */
  Trace(PrintStream sink, boolean messages) {
    this.sink = sink;
    this.messages = messages;
  }

  boolean messages() {
    return messages;
  }

  void add(long step, String line) {
    String s = "step " + step + ": " + line;
    if (sink != null) {
      sink.println(s);
    }
    if (last.size() == KEPT) {
      last.removeFirst();
    }
    last.addLast(s);
  }

  List<String> lastLines() {
    return new ArrayList<>(last);
  }
}
