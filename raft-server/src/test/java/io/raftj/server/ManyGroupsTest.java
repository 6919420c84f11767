package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A thousand groups on three servers: all elect, all commit, and idle ones go quiet. */
final class ManyGroupsTest {

  @Test
  void thousandGroups_electCommitAndQuiesce() throws Exception {
    SimCluster c = new SimCluster(31, null);
    for (long id = 1; id <= 3; id++) {
      c.start(id);
    }
    int groups = 1000;
    for (long g = 1; g <= groups; g++) {
      for (long id = 1; id <= 3; id++) {
        c.create(id, GroupOptions.of(g, 1, 2, 3));
      }
    }
    assertThat(
            c.runUntil(
                () -> {
                  for (long g = 1; g <= groups; g++) {
                    if (c.leader(g) == 0) {
                      return false;
                    }
                  }
                  return true;
                },
                200))
        .isTrue();

    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (long g = 1; g <= groups; g++) {
      fs.add(c.servers.get(c.leader(g)).group(g).propose(cmd("g" + g)));
    }
    c.await(fs, 50);

    // Idle now: every member of every group stops ticking, and stays so.
    assertThat(c.runUntil(() -> allQuiesced(c, groups), 100)).isTrue();
    long before = c.network.delivered();
    c.runTicks(50);
    long batches = c.network.delivered() - before;
    // Only the servers' liveness beats travel: 6 links, one a tick at most.
    assertThat(batches).isLessThanOrEqualTo(6 * 51);
    assertThat(allQuiesced(c, groups)).isTrue();

    // A quiesced group wakes on demand.
    long leader = c.leader(500);
    CompletableFuture<Applied> f = c.servers.get(leader).group(500).propose(cmd("again"));
    c.await(List.of(f), 20);
    assertThat(
            c.runUntil(
                () ->
                    c.machine(1, 500).commands.size() == 2
                        && c.machine(2, 500).commands.size() == 2
                        && c.machine(3, 500).commands.size() == 2,
                20))
        .isTrue();
  }

  @Test
  void quiescedFollowers_electANewLeaderWhenTheLeadersServerFallsSilent() throws Exception {
    SimCluster c = new SimCluster(32, null);
    for (long id = 1; id <= 3; id++) {
      c.start(id);
      for (long g = 1; g <= 10; g++) {
        c.create(id, GroupOptions.of(g, 1, 2, 3));
      }
    }
    assertThat(c.runUntil(() -> c.leader(1) != 0 && allQuiesced(c, 10), 300)).isTrue();
    long leader = c.leader(1);
    c.network.isolate(leader);
    long next = c.awaitLeaderOtherThan(1, leader);
    assertThat(next).isNotEqualTo(leader);
    CompletableFuture<Applied> f = c.servers.get(next).group(1).propose(cmd("after"));
    c.await(List.of(f), 20);
  }

  private static boolean allQuiesced(SimCluster c, int groups) {
    for (RaftServer s : c.servers.values()) {
      for (long g = 1; g <= groups; g++) {
        if (!s.group(g).status().quiesced()) {
          return false;
        }
      }
    }
    return true;
  }
}
