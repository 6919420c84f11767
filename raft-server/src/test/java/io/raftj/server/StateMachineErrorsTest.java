package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A state machine that throws an {@link Error} (not only an exception) from a query or a snapshot
 * capture fails that one operation; the group goes on, and no future is left pending.
 */
class StateMachineErrorsTest {

  @Test
  void aQueryThatThrowsAnError_failsThatRead_onTheApplyExecutor() throws Exception {
    assertFailedReadOnly(false);
  }

  @Test
  void aQueryThatThrowsAnError_failsThatRead_onTheLoopThread() throws Exception {
    assertFailedReadOnly(true);
  }

  @Test
  void aSnapshotCaptureThatThrowsAnError_isSkipped_andALaterOneIsTaken() throws Exception {
    SimCluster c = new SimCluster(62, null);
    List<Throwing> machines = start(c, GroupOptions.of(6, 1, 2, 3).withSnapshots(10, 0, 5));
    long leader = c.awaitLeader(6);
    Throwing m = machines.get((int) leader - 1);
    m.failNextSnapshot = true;

    for (int i = 0; i < 40; i += 10) {
      List<CompletableFuture<Applied>> fs = new ArrayList<>();
      for (int j = i; j < i + 10; j++) {
        fs.add(c.servers.get(leader).group(6).propose(SimCluster.cmd("s" + j)));
      }
      c.await(fs, 20);
    }
    assertThat(m.failNextSnapshot).as("the capture threw").isFalse();
    assertThat(m.inner.snapshots).as("snapshots taken after the one that threw").isPositive();
    assertThat(m.inner.commands).hasSize(40);
  }

  private static void assertFailedReadOnly(boolean onLoop) throws Exception {
    SimCluster c = new SimCluster(61, null);
    start(c, GroupOptions.of(6, 1, 2, 3).withApplyOnLoopThread(onLoop));
    long leader = c.awaitLeader(6);
    RaftGroup g = c.servers.get(leader).group(6);
    c.await(List.of(g.propose(SimCluster.cmd("a"))), 20);

    CompletableFuture<Object> bad = g.read("boom", ReadPolicy.LINEARIZABLE);
    c.awaitDone(List.of(bad), 20);
    assertThat(bad).isCompletedExceptionally();
    try {
      bad.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(AssertionError.class).hasMessage("injected");
    }

    List<CompletableFuture<Object>> good = new ArrayList<>();
    good.add(g.read("size", ReadPolicy.LINEARIZABLE));
    assertThat(c.await(good, 20)).containsExactly(1);
    c.await(List.of(g.propose(SimCluster.cmd("b"))), 20);
  }

  private static List<Throwing> start(SimCluster c, GroupOptions options) throws IOException {
    List<Throwing> machines = new ArrayList<>();
    for (long id = 1; id <= 3; id++) {
      c.start(id);
      Throwing m = new Throwing(new LogStateMachine());
      machines.add(m);
      c.servers.get(id).createGroup(options, m);
    }
    return machines;
  }

  /** {@link LogStateMachine}, with an Error from the query "boom" and, once asked, a snapshot. */
  static final class Throwing implements StateMachine {
    final LogStateMachine inner;
    volatile boolean failNextSnapshot;

    Throwing(LogStateMachine inner) {
      this.inner = inner;
    }

    @Override
    public void apply(ApplyBatch batch) {
      inner.apply(batch);
    }

    @Override
    public SnapshotWriter snapshot() {
      if (failNextSnapshot) {
        failNextSnapshot = false;
        throw new AssertionError("injected");
      }
      return inner.snapshot();
    }

    @Override
    public void restore(InputStream in) throws IOException {
      inner.restore(in);
    }

    @Override
    public Object query(Object query) {
      if ("boom".equals(query)) {
        throw new AssertionError("injected");
      }
      return inner.query(query);
    }
  }
}
