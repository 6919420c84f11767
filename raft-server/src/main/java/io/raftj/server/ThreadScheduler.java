package io.raftj.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The production {@link Scheduler}: {@link System#nanoTime()}, one timer thread, and one daemon
 * thread per serial executor, started when the executor is first given a task (a server whose
 * groups apply on their loop threads never starts its apply threads). An idle executor thread
 * parks; a submission unparks it. Before parking it may poll for {@code spinNanos}, yielding its
 * core between polls: a task handed over in that window costs neither side a wake-up (about 10 µs
 * of system time on a virtual machine), and a thread that is ready to run, often the one about to
 * hand over the next task, gets the core meanwhile. Thread-safe. {@link #close()} stops every
 * thread; tasks not yet run are dropped.
 */
public final class ThreadScheduler implements Scheduler, AutoCloseable {

  private final String prefix;
  private final long spinNanos;
  private final ScheduledThreadPoolExecutor timer;
  private final List<SerialThread> threads = new ArrayList<>();
  private volatile boolean closed;

  /** A scheduler whose threads are named after {@code prefix} and never spin. */
  public ThreadScheduler(String prefix) {
    this(prefix, 0);
  }

  /** A scheduler whose idle executor threads poll for {@code spinNanos} before parking. */
  public ThreadScheduler(String prefix, long spinNanos) {
    if (spinNanos < 0) {
      throw new IllegalArgumentException("spinNanos must not be negative: " + spinNanos);
    }
    this.prefix = prefix;
    this.spinNanos = spinNanos;
    AtomicInteger n = new AtomicInteger();
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, prefix + "-timer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    try {
      ScheduledFuture<?> f = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  @Override
  public synchronized Executor newExecutor(String name) {
    if (closed) {
      throw new IllegalStateException("scheduler closed");
    }
    SerialThread t = new SerialThread(prefix + "-" + name, spinNanos);
    threads.add(t);
    return t;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    for (SerialThread t : threads) {
      t.stop();
    }
  }

  /** A thread that runs submitted tasks in order: many producers, one consumer. */
  private static final class SerialThread implements Executor, Runnable {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final long spinNanos;
    private volatile boolean stopped;
    private volatile boolean parked;
    private final AtomicBoolean started = new AtomicBoolean();

    SerialThread(String name, long spinNanos) {
      this.thread = new Thread(this, name);
      this.thread.setDaemon(true);
      this.spinNanos = spinNanos;
    }

    @Override
    public void execute(Runnable task) {
      if (stopped) {
        throw new RejectedExecutionException("executor stopped");
      }
      tasks.add(task);
      if (!started.get() && started.compareAndSet(false, true)) {
        thread.start(); // on first use: an executor nothing is given to costs no thread
      } else if (parked) {
        LockSupport.unpark(thread);
      }
    }

    void stop() {
      stopped = true;
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      while (!stopped) {
        Runnable task = tasks.poll();
        if (task == null) {
          task = spinFor();
        }
        if (task == null) {
          parked = true;
          // Check again after publishing `parked`: a submission in between unparks us.
          if (tasks.isEmpty() && !stopped) {
            LockSupport.park(this);
          }
          parked = false;
          continue;
        }
        try {
          task.run();
        } catch (Throwable t) {
          Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(thread, t);
        }
      }
    }

    /**
     * Polls for the next task until {@code spinNanos} pass. A busy-wait ({@link Thread#onSpinWait})
     * would keep the core from the threads that produce the work whenever they outnumber the cores;
     * yielding hands it to them and comes back at once when none is waiting.
     */
    private Runnable spinFor() {
      if (spinNanos == 0) {
        return null;
      }
      long end = System.nanoTime() + spinNanos;
      do {
        Thread.yield();
        Runnable task = tasks.poll();
        if (task != null) {
          return task;
        }
      } while (System.nanoTime() < end);
      return null;
    }
  }
}
