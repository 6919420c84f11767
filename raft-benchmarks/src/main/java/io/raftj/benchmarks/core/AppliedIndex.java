package io.raftj.benchmarks.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The leader's applied index in a benchmark whose cluster runs on other threads: the thread that
 * applies publishes it, the benchmark thread parks until it reaches a target.
 */
final class AppliedIndex {

  private volatile long value;
  private volatile long waitFor = Long.MAX_VALUE;
  private volatile Thread waiter;

  long get() {
    return value;
  }

  /** Sets the index and wakes the waiter once its target is reached. */
  void publish(long applied) {
    value = applied;
    if (applied >= waitFor) {
      LockSupport.unpark(waiter);
    }
  }

  /** Parks the calling thread until the index reaches {@code target}. */
  void await(long target) {
    waiter = Thread.currentThread();
    waitFor = target;
    while (value < target) {
      LockSupport.park(this);
    }
    waitFor = Long.MAX_VALUE;
  }
}
