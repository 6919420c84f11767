package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stuck state machine or disk holds up only what waits for it: ticks, heartbeats and replication
 * go on. The stall is an executor whose tasks are held back while time passes.
 */
final class StallTest {

  @TempDir java.nio.file.Path dir;

  /**
   * Holds back the tasks of the executors whose full names ({@code s<server>/<executor>}) are in
   * {@link #stalled}; used as a {@link WrappingScheduler}'s wrap.
   */
  static final class Stalls {
    final Set<String> stalled = ConcurrentHashMap.newKeySet();
    private final List<Runnable> held = new ArrayList<>();
    private int servers;

    synchronized Executor wrap(String name, Executor e) {
      if (name.equals("loop-0")) {
        servers++; // every server makes loop-0 first
      }
      String full = "s" + servers + "/" + name;
      return task -> {
        synchronized (this) {
          if (stalled.contains(full)) {
            held.add(task);
            return;
          }
        }
        e.execute(task);
      };
    }
  }

  private static SimCluster cluster(long seed, Stalls stalls, java.nio.file.Path dataDir) {
    ManualScheduler inner = new ManualScheduler(seed);
    return new SimCluster(inner, new WrappingScheduler(inner, stalls::wrap), dataDir);
  }

  @Test
  void stuckStateMachine_holdsOnlyItsApplies_leaderKeepsLeadingAndCommitting() throws Exception {
    Stalls sched = new Stalls();
    SimCluster c = cluster(41, sched, null);
    c.startAll(3, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long term = c.servers.get(leader).group(7).status().term();
    sched.stalled.add("s" + leader + "/apply-0");
    List<CompletableFuture<Applied>> fs = c.proposeMany(leader, 7, "x", 20);
    c.runTicks(100); // ten election timeouts
    GroupStatus s = c.servers.get(leader).group(7).status();
    assertThat(s.isLeader()).isTrue();
    assertThat(s.term()).as("no election while the state machine is stuck").isEqualTo(term);
    assertThat(s.commit()).as("commits go on").isGreaterThanOrEqualTo(s.applied() + 20);
    assertThat(fs).noneMatch(CompletableFuture::isDone);
    long follower = leader == 1 ? 2 : 1;
    assertThat(c.machine(follower, 7).commands).hasSize(20);
  }

  @Test
  void stuckDiskOnOneFollower_doesNotStopTheGroup() throws Exception {
    Stalls sched = new Stalls();
    SimCluster c = cluster(42, sched, dir);
    c.startAll(3, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long term = c.servers.get(leader).group(7).status().term();
    long stuck = leader == 3 ? 2 : 3;
    sched.stalled.add("s" + stuck + "/storage-0");
    List<CompletableFuture<Applied>> fs = c.proposeMany(leader, 7, "y", 20);
    c.await(fs, 50);
    c.runTicks(100);
    assertThat(c.leader(7)).isEqualTo(leader);
    assertThat(c.servers.get(stuck).group(7).status().term())
        .as("the stuck follower still hears heartbeats")
        .isEqualTo(term);
  }
}
