package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
