package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class LeaderListenerTest {

  /**
   * A scheduler whose event executor runs a hook (once) at the moment a task is handed to it:
   * inside the loop turn that walks the listeners, the narrowest window a racing {@code
   * addLeaderListener} on another thread can hit.
   */
  private static final class HookedScheduler implements Scheduler {
    final ManualScheduler inner = new ManualScheduler(3);
    final AtomicReference<Runnable> onEvent = new AtomicReference<>();

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
      Executor e = inner.newExecutor(name);
      if (!name.equals("events")) {
        return e;
      }
      return task -> {
        Runnable hook = onEvent.getAndSet(null);
        if (hook != null) {
          hook.run();
        }
        e.execute(task);
      };
    }
  }

  @Test
  void listenerAddedWhileTheLeaderIsBeingAnnounced_isToldOfIt() throws Exception {
    HookedScheduler scheduler = new HookedScheduler();
    LocalNetwork network = new LocalNetwork(scheduler.inner, 3);
    RaftServer server =
        RaftServer.builder(1, network.transport(1)).scheduler(scheduler).seed(3).build();
    try {
      RaftGroup group = server.createGroup(GroupOptions.of(9, 1), new LogStateMachine());
      List<Long> early = new CopyOnWriteArrayList<>();
      List<Long> late = new CopyOnWriteArrayList<>();
      group.addLeaderListener((g, leader, term) -> early.add(leader));
      scheduler.onEvent.set(() -> group.addLeaderListener((g, leader, term) -> late.add(leader)));

      long step = Duration.ofMillis(10).toNanos();
      long max = Duration.ofSeconds(10).toNanos();
      assertThat(scheduler.inner.runUntil(() -> !early.isEmpty() && !late.isEmpty(), step, max))
          .as("early %s, late %s", early, late)
          .isTrue();
      assertThat(early).containsExactly(1L);
      assertThat(late).contains(1L);
    } finally {
      // close() runs only a ManualScheduler itself; this one wraps it, so run it here.
      CompletableFuture<Void> closed = server.closeAsync();
      scheduler.inner.runUntil(
          closed::isDone, Duration.ofMillis(10).toNanos(), Duration.ofSeconds(10).toNanos());
      assertThat(closed).isDone();
    }
  }
}
