package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RaftLogger} that writes to slf4j, formatting only when the level is enabled. Fatal and
 * panic lines are written at error level before the exception is thrown.
 */
public final class Slf4jRaftLogger implements RaftLogger {

  static final Slf4jRaftLogger DEFAULT =
      new Slf4jRaftLogger(LoggerFactory.getLogger("io.raftj.raft"));

  private final Logger log;

  /** Wraps the given slf4j logger. */
  public Slf4jRaftLogger(Logger log) {
    this.log = log;
  }

  @Override
  public boolean isDebugEnabled() {
    return log.isDebugEnabled();
  }

  @Override
  public void debugf(String format, Object... args) {
    if (log.isDebugEnabled()) {
      log.debug(GoFormat.format(format, args));
    }
  }

  @Override
  public void infof(String format, Object... args) {
    if (log.isInfoEnabled()) {
      log.info(GoFormat.format(format, args));
    }
  }

  @Override
  public void warningf(String format, Object... args) {
    if (log.isWarnEnabled()) {
      log.warn(GoFormat.format(format, args));
    }
  }

  @Override
  public void errorf(String format, Object... args) {
    if (log.isErrorEnabled()) {
      log.error(GoFormat.format(format, args));
    }
  }

  @Override
  public void fatalf(String format, Object... args) {
    String text = GoFormat.format(format, args);
    log.error(text);
    throw new IllegalStateException(text);
  }

  @Override
  public void panicf(String format, Object... args) {
    String text = GoFormat.format(format, args);
    log.error(text);
    throw new IllegalStateException(text);
  }
}
