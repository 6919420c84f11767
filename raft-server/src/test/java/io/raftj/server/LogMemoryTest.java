package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The server's log memory budget: the accounting alone, then groups that obey it. */
class LogMemoryTest {

  private static final long PER_ENTRY = 4 + LogMemory.ENTRY_OVERHEAD;

  @Test
  void aGroupOverItsShareOfAnExceededBudgetIsToldToSnapshot() {
    LogMemory m = new LogMemory(10 * PER_ENTRY);
    LogMemory.Share a = m.join();
    LogMemory.Share b = m.join();

    assertThat(a.report(10, 4)).as("at the budget, not over it").isFalse();
    assertThat(m.heldBytes()).isEqualTo(10 * PER_ENTRY);
    assertThat(a.report(11, 4)).as("over the budget and over half of it").isTrue();
    assertThat(b.report(1, 4)).as("over the budget, but under its share").isFalse();
    assertThat(m.heldBytes()).isEqualTo(12 * PER_ENTRY);
    assertThat(a.report(4, 4)).as("compacted: under budget again").isFalse();
    assertThat(m.heldBytes()).isEqualTo(5 * PER_ENTRY);
  }

  @Test
  void overBudget_theCatchUpKeptBehindASnapshotShrinksToHalfAShare() {
    LogMemory m = new LogMemory(100 * PER_ENTRY);
    LogMemory.Share a = m.join();
    LogMemory.Share b = m.join();
    a.report(60, 4);
    assertThat(a.catchUpEntries(5000)).as("under budget").isEqualTo(5000);
    b.report(60, 4);
    assertThat(a.catchUpEntries(5000)).as("a share is 50 entries, half of it 25").isEqualTo(25);
    assertThat(a.catchUpEntries(10)).as("never more than configured").isEqualTo(10);
  }

  @Test
  void aStoppedGroupLeavesTheCount_andTheOthersShareGrows() {
    LogMemory m = new LogMemory(10 * PER_ENTRY);
    LogMemory.Share a = m.join();
    LogMemory.Share b = m.join();
    b.report(4, 4);
    assertThat(a.report(8, 4)).as("over budget, 8 entries over a share of 5").isTrue();
    b.release();
    b.release();
    assertThat(m.heldBytes()).isEqualTo(8 * PER_ENTRY);
    assertThat(b.report(100, 4)).as("a released share reports nothing").isFalse();
    assertThat(m.heldBytes()).isEqualTo(8 * PER_ENTRY);
    assertThat(a.report(11, 4)).as("alone, its share is the whole budget").isTrue();
    assertThat(a.report(9, 4)).isFalse();
  }

  @Test
  void noBudget_neverAsks_andANegativeOneIsRefused() {
    LogMemory m = new LogMemory(0);
    LogMemory.Share a = m.join();
    assertThat(a.report(1_000_000, 1000)).isFalse();
    assertThat(a.catchUpEntries(5000)).isEqualTo(5000);
    assertThatThrownBy(() -> new LogMemory(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                RaftServer.builder(1, new LocalNetwork(new ManualScheduler(1), 1).transport(1))
                    .logMemoryBudget(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }

  @Test
  void groupsWithoutASnapshotPolicy_snapshotAndCompactWhenTheServerIsOverBudget() throws Exception {
    long budget = 200_000;
    SimCluster c = new SimCluster(21, null, b -> b.logMemoryBudget(budget));
    GroupOptions noPolicy = GroupOptions.of(7, 1, 2, 3).withSnapshots(0, 0, 1000);
    c.startAll(3, noPolicy);
    for (long s = 1; s <= 3; s++) {
      c.create(s, GroupOptions.of(8, 1, 2, 3).withSnapshots(0, 0, 1000));
    }
    long leader = c.awaitLeader(7);
    c.awaitLeader(8);
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      // 2 KiB each: 800 KiB of log per member of group 7, four times the budget
      fs.add(
          c.servers
              .get(leader)
              .group(7)
              .propose(ByteString.copyFrom(new byte[2048]).concat(cmd("" + i))));
      if (i % 50 == 49) {
        c.await(fs, 100);
      }
    }
    c.await(fs, 100);
    assertThat(c.runUntil(() -> allApplied(c, 400), 100)).isTrue();

    for (long s = 1; s <= 3; s++) {
      RaftServer server = c.servers.get(s);
      assertThat(server.metrics().get("earlySnapshots")).as("server %d", s).isPositive();
      assertThat(server.metrics().get("logMemoryBytes"))
          .as("server %d holds about its budget, not the 800 KiB it was sent", s)
          .isLessThan(2 * budget);
      assertThat(c.machine(s, 7).snapshots).as("server %d", s).isPositive();
      assertThat(c.machine(s, 7).commands).isEqualTo(c.machine(leader, 7).commands);
    }
  }

  @Test
  void withoutABudget_aGroupWithoutAPolicyNeverSnapshots() throws Exception {
    SimCluster c = new SimCluster(22, null, b -> b.logMemoryBudget(0));
    c.startAll(3, GroupOptions.of(7, 1, 2, 3).withSnapshots(0, 0, 1000));
    long leader = c.awaitLeader(7);
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fs.add(c.servers.get(leader).group(7).propose(ByteString.copyFrom(new byte[8192])));
    }
    c.await(fs, 100);
    assertThat(c.machine(leader, 7).snapshots).isZero();
    assertThat(c.servers.get(leader).metrics().get("logMemoryBytes")).isGreaterThan(800_000L);
  }

  private static boolean allApplied(SimCluster c, int n) {
    for (long s = 1; s <= 3; s++) {
      if (c.machine(s, 7).commands.size() < n) {
        return false;
      }
    }
    return true;
  }
}
