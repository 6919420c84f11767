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
}
