package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A {@link Transport} whose {@code send} throws loses that batch, as a network would, and nothing
 * else: the loop's other destinations, its deferred work and its next run go on.
 */
class ThrowingTransportTest {

  @Test
  void aSendThatThrowsAnException_losesOnlyItsBatch() throws Exception {
    assertLoopGoesOn(() -> new IllegalStateException("injected send failure"));
  }

  @Test
  void aSendThatThrowsAnError_losesOnlyItsBatch() throws Exception {
    assertLoopGoesOn(() -> new AssertionError("injected send failure"));
  }

  private static void assertLoopGoesOn(Supplier<Throwable> failure) throws Exception {
    SimCluster c = new SimCluster(51, null);
    // from the start: server 3 hears nothing, so it campaigns, and the others, hearing it, send it
    // liveness beats on the ticks in which they send it nothing else
    long broken = 3;
    long[] brokenTo = {broken};
    int[] thrown = {0};
    c.transports = t -> new Throwing(t, brokenTo, thrown, failure);
    c.startAll(3, GroupOptions.of(6, 1, 2, 3));
    long leader = c.awaitLeader(6);
    assertThat(leader).as("server 3 cannot win an election it hears no answer to").isNotEqualTo(3);

    // one proposal at a time: each must be committed by the leader and the other follower without
    // waiting for a tick to restart the leader's loop
    long start = c.scheduler.nanoTime();
    for (int i = 0; i < 30; i++) {
      List<CompletableFuture<Applied>> f = new ArrayList<>();
      f.add(c.servers.get(leader).group(6).propose(SimCluster.cmd("p" + i)));
      c.await(f, 10);
    }
    long elapsed = c.scheduler.nanoTime() - start;
    assertThat(thrown[0]).as("sends to %d threw", broken).isPositive();
    assertThat(elapsed)
        .as("30 commands one after another, in virtual time")
        .isLessThan(3 * SimCluster.TICK);

    brokenTo[0] = 0;
    assertThat(c.runUntil(() -> c.machine(broken, 6).commands.size() == 30, 50))
        .as("the member the sends failed to catches up once they work")
        .isTrue();
    assertThat(c.servers.get(leader).group(6).status().leader()).isEqualTo(leader);
    assertThat(c.servers.get(leader).metrics().get("sendFailures"))
        .as("counted by the server")
        .isPositive();

    // The liveness beats a follower sends the member it hears nothing from threw too: its ticks
    // must go on, or it would refuse forever to elect a successor to a silent leader.
    c.network.isolate(leader);
    long next = c.awaitLeaderOtherThan(6, leader);
    assertThat(next).isNotEqualTo(leader);
  }

  /** Throws on every send to {@code brokenTo[0]}, counting the throws. */
  private static final class Throwing extends ForwardingTransport {
    private final long[] brokenTo;
    private final int[] thrown;
    private final Supplier<Throwable> failure;

    Throwing(Transport delegate, long[] brokenTo, int[] thrown, Supplier<Throwable> failure) {
      super(delegate);
      this.brokenTo = brokenTo;
      this.thrown = thrown;
      this.failure = failure;
    }

    @Override
    public void send(long to, MessageBatch batch) {
      if (to == brokenTo[0]) {
        thrown[0]++;
        Throwable t = failure.get();
        if (t instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) t;
      }
      super.send(to, batch);
    }
  }
}
