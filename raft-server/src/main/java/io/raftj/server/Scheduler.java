package io.raftj.server;

import java.util.concurrent.Executor;

/**
 * Time and threads for a {@link RaftServer}: its clock, its timer and the serial executors its
 * loops, storage and apply work run on. Injected so that a test can run a whole cluster in one
 * thread from a seed ({@link ManualScheduler}); production uses {@link ThreadScheduler}.
 * Thread-safe.
 */
public interface Scheduler {

  /** The current time in nanoseconds, monotonic, from an arbitrary origin. */
  long nanoTime();

  /** Runs {@code task} once, {@code delayNanos} from now, on the timer. */
  Cancellable schedule(Runnable task, long delayNanos);

  /**
   * A new serial executor: tasks run one at a time, in submission order, never concurrently with
   * each other. Tasks must not block for long.
   */
  Executor newExecutor(String name);

  /** A timer task that may be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run; does nothing otherwise. */
    void cancel();
  }
}
