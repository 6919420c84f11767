package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class LeaderListenerTest {

  @Test
  void listenerAddedWhileTheLeaderIsBeingAnnounced_isToldOfIt() throws Exception {
    // The event executor runs a hook (once) at the moment a task is handed to it: inside the loop
    // turn that walks the listeners, the narrowest window a racing addLeaderListener can hit.
    ManualScheduler manual = new ManualScheduler(3);
    AtomicReference<Runnable> onEvent = new AtomicReference<>();
    Scheduler scheduler =
        new WrappingScheduler(
            manual,
            (name, e) ->
                !name.equals("events")
                    ? e
                    : task -> {
                      Runnable hook = onEvent.getAndSet(null);
                      if (hook != null) {
                        hook.run();
                      }
                      e.execute(task);
                    });
    LocalNetwork network = new LocalNetwork(manual, 3);
    RaftServer server =
        RaftServer.builder(1, network.transport(1)).scheduler(scheduler).seed(3).build();
    try {
      RaftGroup group = server.createGroup(GroupOptions.of(9, 1), new LogStateMachine());
      List<Long> early = new CopyOnWriteArrayList<>();
      List<Long> late = new CopyOnWriteArrayList<>();
      group.addLeaderListener((g, leader, term) -> early.add(leader));
      onEvent.set(() -> group.addLeaderListener((g, leader, term) -> late.add(leader)));

      long step = Duration.ofMillis(10).toNanos();
      long max = Duration.ofSeconds(10).toNanos();
      assertThat(manual.runUntil(() -> !early.isEmpty() && !late.isEmpty(), step, max))
          .as("early %s, late %s", early, late)
          .isTrue();
      assertThat(early).containsExactly(1L);
      assertThat(late).contains(1L);
    } finally {
      // close() runs only a ManualScheduler itself; this one wraps it, so run it here.
      CompletableFuture<Void> closed = server.closeAsync();
      manual.runUntil(
          closed::isDone, Duration.ofMillis(10).toNanos(), Duration.ofSeconds(10).toNanos());
      assertThat(closed).isDone();
    }
  }
}
