package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same runtime on real threads: each server with its own {@link ThreadScheduler}; with the
 * state machine on an apply executor, and on the loop thread (the synchronous Ready cycle).
 */
final class ThreadedRaftServerTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void threeServersOnRealThreads_commitConcurrentProposalsFromManyThreads(boolean applyOnLoop)
      throws Exception {
    LocalNetwork net = new LocalNetwork();
    List<RaftServer> servers = new ArrayList<>();
    CountDownLatch elected = new CountDownLatch(1);
    try {
      for (long id = 1; id <= 3; id++) {
        RaftServer s =
            RaftServer.builder(id, net.transport(id))
                .tickInterval(Duration.ofMillis(10))
                .loopThreads(2)
                .applyThreads(1)
                .build();
        servers.add(s);
        RaftGroup g =
            s.createGroup(
                GroupOptions.of(1, 1, 2, 3).withApplyOnLoopThread(applyOnLoop),
                new LogStateMachine());
        g.addLeaderListener(
            (group, leader, term) -> {
              if (leader != 0) {
                elected.countDown();
              }
            });
      }
      assertThat(elected.await(30, TimeUnit.SECONDS)).isTrue();
      RaftGroup leader = null;
      while (leader == null) {
        for (RaftServer s : servers) {
          if (s.group(1).status().isLeader()) {
            leader = s.group(1);
          }
        }
        Thread.onSpinWait();
      }
      RaftGroup g = leader;
      int threads = 4;
      int each = 500;
      List<CompletableFuture<Applied>> fs =
          java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int tt = t;
        Thread th =
            new Thread(
                () -> {
                  for (int i = 0; i < each; i++) {
                    fs.add(g.propose(ByteString.copyFromUtf8(tt + ":" + i)));
                  }
                });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join();
      }
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(fs).hasSize(threads * each);
      CompletableFuture<Object> size = g.read("size", ReadPolicy.LINEARIZABLE);
      assertThat(size.get(30, TimeUnit.SECONDS)).isEqualTo(threads * each);
      // Every member applies the same commands in the same order.
      for (RaftServer s : servers) {
        CompletableFuture<Object> n = s.group(1).read("size", ReadPolicy.LINEARIZABLE);
        assertThat(n.get(30, TimeUnit.SECONDS)).isEqualTo(threads * each);
      }
      List<Object> views = new ArrayList<>();
      for (RaftServer s : servers) {
        views.add(s.group(1).read("all", ReadPolicy.LOCAL).get(30, TimeUnit.SECONDS));
      }
      assertThat(views.get(0)).isEqualTo(views.get(1)).isEqualTo(views.get(2));
    } finally {
      for (RaftServer s : servers) {
        s.close();
      }
    }
  }

  /**
   * {@link ThrowingTransportTest} and {@link StateMachineErrorsTest} on real threads: every send to
   * server 3 throws an {@link AssertionError}, and so does one query; the other work completes.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void onRealThreads_aThrowingTransportAndQuery_failOnlyTheirOwnWork(boolean applyOnLoop)
      throws Exception {
    LocalNetwork net = new LocalNetwork();
    List<RaftServer> servers = new ArrayList<>();
    try {
      for (long id = 1; id <= 3; id++) {
        Transport t =
            new ForwardingTransport(net.transport(id)) {
              @Override
              public void send(long to, MessageBatch batch) {
                if (to == 3) {
                  throw new AssertionError("injected send failure");
                }
                super.send(to, batch);
              }
            };
        RaftServer s =
            RaftServer.builder(id, t)
                .tickInterval(Duration.ofMillis(10))
                .loopThreads(1)
                .applyThreads(1)
                .build();
        servers.add(s);
        s.createGroup(
            GroupOptions.of(1, 1, 2, 3).withApplyOnLoopThread(applyOnLoop),
            new StateMachineErrorsTest.Throwing(new LogStateMachine()));
      }
      RaftGroup leader = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (leader == null && System.nanoTime() < deadline) {
        for (RaftServer s : servers.subList(0, 2)) {
          if (s.group(1).status().isLeader()) {
            leader = s.group(1);
          }
        }
        Thread.onSpinWait();
      }
      assertThat(leader).as("server 1 or 2 leads").isNotNull();

      List<CompletableFuture<Applied>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        fs.add(leader.propose(ByteString.copyFromUtf8("t" + i)));
      }
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      CompletableFuture<Object> bad = leader.read("boom", ReadPolicy.LINEARIZABLE);
      assertThat(bad)
          .failsWithin(30, TimeUnit.SECONDS)
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(AssertionError.class);
      assertThat(leader.read("size", ReadPolicy.LINEARIZABLE).get(30, TimeUnit.SECONDS))
          .isEqualTo(200);
    } finally {
      for (RaftServer s : servers) {
        s.close();
      }
    }
  }
}
