package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;

/** A {@link RaftLogger} that drops every line; panics and fatals still throw. */
final class DiscardRaftLogger implements RaftLogger {

  static final DiscardRaftLogger INSTANCE = new DiscardRaftLogger();

  private DiscardRaftLogger() {}

  @Override
  public boolean isDebugEnabled() {
    return false;
  }

  @Override
  public void debugf(String format, Object... args) {}

  @Override
  public void infof(String format, Object... args) {}

  @Override
  public void warningf(String format, Object... args) {}

  @Override
  public void errorf(String format, Object... args) {}

  @Override
  public void fatalf(String format, Object... args) {
    throw new IllegalStateException(GoFormat.format(format, args));
  }

  @Override
  public void panicf(String format, Object... args) {
    throw new IllegalStateException(GoFormat.format(format, args));
  }
}
