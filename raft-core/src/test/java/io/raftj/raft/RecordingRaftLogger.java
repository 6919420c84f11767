package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;
import java.util.ArrayList;
import java.util.List;

/** A {@link RaftLogger} that keeps every line, prefixed with its level, for assertions. */
final class RecordingRaftLogger implements RaftLogger {

  final List<String> lines = new ArrayList<>();
  private final boolean panicsThrow;

  /** A logger whose fatal and panic lines throw, as the library's loggers do. */
  RecordingRaftLogger() {
    this(true);
  }

  /**
   * A logger whose panic lines throw only when {@code panicsThrow}: with false it stands for a
   * user's logger that merely records, which must not weaken any invariant.
   */
  RecordingRaftLogger(boolean panicsThrow) {
    this.panicsThrow = panicsThrow;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public void debugf(String format, Object... args) {
    lines.add("DEBUG " + GoFormat.format(format, args));
  }

  @Override
  public void infof(String format, Object... args) {
    lines.add("INFO " + GoFormat.format(format, args));
  }

  @Override
  public void warningf(String format, Object... args) {
    lines.add("WARN " + GoFormat.format(format, args));
  }

  @Override
  public void errorf(String format, Object... args) {
    lines.add("ERROR " + GoFormat.format(format, args));
  }

  @Override
  public void fatalf(String format, Object... args) {
    String text = GoFormat.format(format, args);
    lines.add("FATAL " + text);
    throw new IllegalStateException(text);
  }

  @Override
  public void panicf(String format, Object... args) {
    String text = GoFormat.format(format, args);
    lines.add("PANIC " + text);
    if (panicsThrow) {
      throw new IllegalStateException(text);
    }
  }
}
