package io.raftj.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * A deterministic {@link Scheduler} for tests: virtual time that moves only when the test says, and
 * every executor's tasks run on the calling thread inside {@link #runUntilIdle()}. With a seed, the
 * next task is picked at random among the executors that have one (each executor stays in order),
 * so one seed is one interleaving and replays exactly; without one, tasks run in submission order.
 *
 * <p>Tasks may be submitted from any thread, but only one thread drives the scheduler. A test never
 * blocks on a future: it runs the scheduler until the future is done ({@link #runUntil}).
 */
public final class ManualScheduler implements Scheduler {

  /** Steps {@link #runUntilIdle()} takes before it decides the tasks never settle. */
  private static final int MAX_STEPS = 50_000_000;

  private final SplittableRandom random;
  private final List<Queue> ready = new ArrayList<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long now;
  private long seq;

  /** Runs tasks in submission order. */
  public ManualScheduler() {
    this.random = null;
  }

  /** Interleaves the executors' tasks at random from {@code seed}. */
  public ManualScheduler(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Timer t = new Timer(now + Math.max(0, delayNanos), seq++, task);
    timers.add(t);
    return () -> {
      synchronized (ManualScheduler.this) {
        timers.remove(t);
      }
    };
  }

  @Override
  public Executor newExecutor(String name) {
    return new Queue(name);
  }

  /** Runs tasks until none is left at the current time; returns how many ran. */
  public int runUntilIdle() {
    int steps = 0;
    while (runOne()) {
      if (++steps > MAX_STEPS) {
        throw new IllegalStateException("tasks did not settle after " + MAX_STEPS + " steps");
      }
    }
    return steps;
  }

  /** Moves time forward by {@code nanos}, running every task and timer due on the way. */
  public void advance(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("time cannot go back: " + nanos);
    }
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    runUntilIdle();
    while (true) {
      Timer t;
      synchronized (this) {
        t = timers.peek();
        if (t == null || t.at > target) {
          now = target;
          break;
        }
        timers.poll();
        now = t.at;
      }
      t.task.run();
      runUntilIdle();
    }
    runUntilIdle();
  }

  /**
   * Runs tasks and moves time forward, a step of {@code stepNanos} at a time, until {@code done}
   * holds; false if it still does not after {@code maxNanos} of virtual time.
   */
  public boolean runUntil(BooleanSupplier done, long stepNanos, long maxNanos) {
    runUntilIdle();
    long waited = 0;
    while (!done.getAsBoolean()) {
      if (waited >= maxNanos) {
        return false;
      }
      advance(stepNanos);
      waited += stepNanos;
    }
    return true;
  }

  /** Runs one task waiting at the current time (the seed picks which); false if none is. */
  public boolean runNext() {
    return runOne();
  }

  /** Whether any task is waiting to run at the current time. */
  public synchronized boolean hasReadyTasks() {
    return !ready.isEmpty();
  }

  private boolean runOne() {
    Runnable task;
    synchronized (this) {
      if (ready.isEmpty()) {
        return false;
      }
      int i = random == null ? oldest() : random.nextInt(ready.size());
      Queue q = ready.get(i);
      task = q.tasks.poll().task;
      if (q.tasks.isEmpty()) {
        ready.set(i, ready.get(ready.size() - 1));
        ready.remove(ready.size() - 1);
      }
    }
    task.run();
    return true;
  }

  private int oldest() {
    int best = 0;
    for (int i = 1; i < ready.size(); i++) {
      if (ready.get(i).tasks.peek().seq < ready.get(best).tasks.peek().seq) {
        best = i;
      }
    }
    return best;
  }

  private record Queued(long seq, Runnable task) {}

  private final class Queue implements Executor {
    private final String name;
    private final ArrayDeque<Queued> tasks = new ArrayDeque<>();

    Queue(String name) {
      this.name = name;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (ManualScheduler.this) {
        if (tasks.isEmpty()) {
          ready.add(this);
        }
        tasks.add(new Queued(seq++, task));
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private record Timer(long at, long seq, Runnable task) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
