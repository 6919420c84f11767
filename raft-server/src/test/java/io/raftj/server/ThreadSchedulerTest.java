package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class ThreadSchedulerTest {

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  private static Thread.State threadState(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .map(Thread::getState)
        .findFirst()
        .orElse(Thread.State.TERMINATED);
  }

  /** Waits until {@code name} is parked, or fails after 30 s. */
  private static void awaitParked(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (threadState(name) != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as(name + " still not parked").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aSpinningExecutorParksOnceItsSpinRunsOut_andWakesForTheNextTask() throws Exception {
    try (ThreadScheduler s = new ThreadScheduler("spin-test", TimeUnit.MILLISECONDS.toNanos(1))) {
      Executor e = s.newExecutor("worker");
      CountDownLatch first = new CountDownLatch(1);
      e.execute(first::countDown);
      assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
      awaitParked("spin-test-worker");

      CountDownLatch second = new CountDownLatch(1);
      e.execute(second::countDown);
      assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * Two producers hand over tasks with pauses around the spin's length, so submissions land while
   * the thread spins, as it gives up spinning, and while it is parked: every task runs, each
   * producer's in order.
   */
  @Test
  void aSpinningExecutorRunsEveryTaskHandedOverAroundItsSpin() throws Exception {
    int perProducer = 20_000;
    long spin = TimeUnit.MICROSECONDS.toNanos(5);
    try (ThreadScheduler s = new ThreadScheduler("handover-test", spin)) {
      Executor e = s.newExecutor("worker");
      List<List<Integer>> seen = List.of(new ArrayList<>(), new ArrayList<>());
      CountDownLatch done = new CountDownLatch(2 * perProducer);
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int producer = p;
        Thread t =
            new Thread(
                () -> {
                  SplittableRandom random = new SplittableRandom(producer);
                  for (int i = 0; i < perProducer; i++) {
                    int n = i;
                    e.execute(
                        () -> {
                          seen.get(producer).add(n);
                          done.countDown();
                        });
                    long until = System.nanoTime() + random.nextLong(4 * spin);
                    while (System.nanoTime() < until) {
                      Thread.onSpinWait();
                    }
                  }
                },
                "producer-" + p);
        producers.add(t);
        t.start();
      }
      for (Thread t : producers) {
        t.join();
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).as("tasks left behind").isTrue();
      for (List<Integer> one : seen) {
        assertThat(one).hasSize(perProducer);
        for (int i = 0; i < perProducer; i++) {
          assertThat(one.get(i)).isEqualTo(i);
        }
      }
    }
  }

  @Test
  void anExecutorStartsItsThreadWhenFirstGivenATask() throws InterruptedException {
    try (ThreadScheduler s = new ThreadScheduler("lazy-test")) {
      Executor idle = s.newExecutor("idle");
      Executor busy = s.newExecutor("busy");
      assertThat(idle).isNotNull();
      assertThat(threadAlive("lazy-test-idle")).isFalse();
      assertThat(threadAlive("lazy-test-busy")).isFalse();

      CountDownLatch ran = new CountDownLatch(2);
      String[] names = new String[2];
      busy.execute(
          () -> {
            names[0] = Thread.currentThread().getName();
            ran.countDown();
          });
      busy.execute(
          () -> {
            names[1] = Thread.currentThread().getName();
            ran.countDown();
          });
      assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(names).containsOnly("lazy-test-busy");
      assertThat(threadAlive("lazy-test-idle")).isFalse();
    }
  }

  @Test
  void aClosedSchedulersExecutorsRefuseTasks_evenOnesNeverStarted() {
    ThreadScheduler s = new ThreadScheduler("closed-test");
    Executor never = s.newExecutor("never");
    s.close();
    assertThatThrownBy(() -> never.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(threadAlive("closed-test-never")).isFalse();
  }

  /**
   * An apply finishing, or a peer's message arriving, after its server closed wakes a loop whose
   * executor is gone: the event is dropped, not thrown into the apply or transport thread.
   */
  @Test
  void aClosedServersLoopDropsLateEvents_insteadOfThrowingIntoTheCaller() {
    ThreadScheduler s = new ThreadScheduler("late-test");
    Executor loop = s.newExecutor("loop-0");
    LoopWorker worker =
        new LoopWorker(
            1, loop, new GuardedTransport(1, new LocalNetwork().transport(1)), new PeerLiveness(s));
    s.close();
    assertThatCode(worker::requestTick).doesNotThrowAnyException();
  }

  @Test
  void aServerWhoseGroupsApplyOnTheirLoopThreadsStartsNoApplyThread() throws Exception {
    LocalNetwork net = new LocalNetwork();
    try (RaftServer s = RaftServer.builder(1, net.transport(1)).applyThreads(2).build()) {
      RaftGroup g =
          s.createGroup(GroupOptions.of(9, 1).withApplyOnLoopThread(true), new LogStateMachine());
      CountDownLatch led = new CountDownLatch(1);
      g.addLeaderListener(
          (group, leader, term) -> {
            if (leader == 1) {
              led.countDown();
            }
          });
      assertThat(led.await(30, TimeUnit.SECONDS)).isTrue();
      g.propose(com.google.protobuf.ByteString.copyFromUtf8("x")).get(30, TimeUnit.SECONDS);
      assertThat(threadAlive("raft-1-apply-0")).isFalse();
      assertThat(threadAlive("raft-1-apply-1")).isFalse();
      assertThat(threadAlive("raft-1-loop-0")).isTrue();
    }
  }
}
