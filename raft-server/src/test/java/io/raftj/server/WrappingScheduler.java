package io.raftj.server;

import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * A {@link ManualScheduler}'s clock and timer, with each serial executor it makes passed through
 * {@code wrap} (given the executor's name): how a test puts a hook between a server and one of its
 * executors.
 */
final class WrappingScheduler implements Scheduler {

  private final ManualScheduler inner;
  private final BiFunction<String, Executor, Executor> wrap;

  WrappingScheduler(ManualScheduler inner, BiFunction<String, Executor, Executor> wrap) {
    this.inner = inner;
    this.wrap = wrap;
  }

  @Override
  public long nanoTime() {
    return inner.nanoTime();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    return inner.schedule(task, delayNanos);
  }

  @Override
  public Executor newExecutor(String name) {
    return wrap.apply(name, inner.newExecutor(name));
  }
}
