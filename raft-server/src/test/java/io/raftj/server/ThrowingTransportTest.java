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
    long[] brokenTo = {0};
    int[] thrown = {0};
    c.transports = t -> new Throwing(t, brokenTo, thrown, failure);
    c.startAll(3, GroupOptions.of(6, 1, 2, 3));
    long leader = c.awaitLeader(6);
    long broken = leader == 3 ? 2 : 3;
    brokenTo[0] = broken;

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
