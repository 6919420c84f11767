package io.raftj.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loop thread's share of the groups. A group with input queued is put on the run queue once; a
 * run takes turns for the queued groups and then sends everything they produced, batched per
 * destination. Ticks arrive as one request per worker and tick all its awake groups in that run, so
 * an idle group costs nothing between ticks and a quiesced one nothing at all.
 *
 * <p>{@link #wake} and {@link #requestTick} may be called from any thread; everything else runs on
 * the worker's serial executor.
 */
final class LoopWorker {

  /** Group turns per run before the outbox is flushed and the run yields. */
  private static final int TURNS_PER_RUN = 256;

  private final Executor executor;
  private final GuardedTransport transport;
  private final PeerLiveness liveness;
  private final Outbox outbox;
  private final ConcurrentLinkedQueue<GroupRunner> runQueue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean tickRequested = new AtomicBoolean();
  private final AtomicInteger size = new AtomicInteger();
  private final Runnable run = this::run;

  /** The worker's groups; changed only on the worker's executor. */
  private final List<GroupRunner> groups = new ArrayList<>();

  /** Work of the current run that waits until its messages are sent; confined to the worker. */
  private final ArrayDeque<Deferred> afterSend = new ArrayDeque<>();

  private record Deferred(GroupRunner group, Runnable task) {}

  LoopWorker(long serverId, Executor executor, GuardedTransport transport, PeerLiveness liveness) {
    this.executor = executor;
    this.transport = transport;
    this.liveness = liveness;
    this.outbox = new Outbox(serverId);
  }

  /** The number of groups assigned, for balancing. */
  int size() {
    return size.get();
  }

  /** The serial executor the worker runs on; other work queued here runs between its runs. */
  Executor executor() {
    return executor;
  }

  Outbox outbox() {
    return outbox;
  }

  void add(GroupRunner g) {
    size.incrementAndGet();
    executor.execute(() -> groups.add(g));
    wake(g);
  }

  /** Forgets {@code g} if it is one of this worker's groups. */
  void removeIfPresent(GroupRunner g) {
    try {
      executor.execute(
          () -> {
            if (groups.remove(g)) {
              size.decrementAndGet();
            }
          });
    } catch (RejectedExecutionException e) {
      // The server is closed: its loops and their lists of groups are gone with it.
    }
  }

  /** Puts {@code g} on the run queue unless it is there already. */
  void wake(GroupRunner g) {
    if (g.markQueued()) {
      runQueue.add(g);
      schedule();
    }
  }

  /**
   * Runs {@code task} later in the current run, once the messages of its turns are sent: a state
   * machine applying on the loop thread then no longer delays the followers' appends and their
   * acknowledgements. Tasks run in the order they were deferred; one that throws stops {@code
   * group}. Called on the worker's thread, from a group's turn.
   */
  void afterSend(GroupRunner group, Runnable task) {
    afterSend.add(new Deferred(group, task));
  }

  void requestTick() {
    tickRequested.set(true);
    schedule();
  }

  private void schedule() {
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(run);
      } catch (RejectedExecutionException e) {
        // The server is closed and its groups are stopped: an event that arrives now (an apply
        // finishing, a message from a peer) has no turn to run in, and no one waits for it.
      }
    }
  }

  private void run() {
    scheduled.set(false);
    try {
      if (tickRequested.getAndSet(false)) {
        for (int i = 0; i < groups.size(); i++) {
          tick(groups.get(i));
        }
      }
      int turns = 0;
      for (GroupRunner g; turns < TURNS_PER_RUN && (g = runQueue.poll()) != null; turns++) {
        g.clearQueued();
        g.runTurn();
      }
      outbox.flush(transport, liveness);
      if (!afterSend.isEmpty()) {
        runDeferred();
        outbox.flush(transport, liveness);
      }
    } finally {
      // whatever escaped this run, the work still queued gets the next one
      if (!runQueue.isEmpty() || tickRequested.get() || !afterSend.isEmpty()) {
        schedule();
      }
    }
  }

  /** Ticks one group; a group whose tick throws stops, and the others still tick. */
  private static void tick(GroupRunner g) {
    try {
      g.tick();
    } catch (RuntimeException | Error e) {
      g.failed(e);
    }
  }

  private void runDeferred() {
    for (Deferred d; (d = afterSend.poll()) != null; ) {
      try {
        d.task().run();
      } catch (RuntimeException | Error e) {
        d.group().failed(e);
      }
    }
  }
}
