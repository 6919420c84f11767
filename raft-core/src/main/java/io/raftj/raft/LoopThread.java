package io.raftj.raft;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The default executor of a {@link Node}: one daemon thread that runs the node's drain task each
 * time it is handed over, and parks in between. A Node never has more than one drain task
 * outstanding, so one slot suffices and {@link #execute} allocates nothing. Thread-safe.
 */
final class LoopThread implements Executor {

  private final AtomicReference<Runnable> pending = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean closed;

  LoopThread(String name) {
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code task} on the thread.
   *
   * @throws IllegalStateException if another task is still waiting to run
   */
  @Override
  public void execute(Runnable task) {
    if (!pending.compareAndSet(null, task)) {
      throw new IllegalStateException("a task is already waiting to run");
    }
    LockSupport.unpark(thread);
  }

  /** Lets the thread end once it has run what was handed over; may be called from the thread. */
  void close() {
    closed = true;
    LockSupport.unpark(thread);
  }

  private void run() {
    while (true) {
      Runnable task = pending.getAndSet(null);
      if (task != null) {
        task.run();
      } else if (closed) {
        return;
      } else {
        LockSupport.park(this);
      }
    }
  }
}
