package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups that persist through DurableStorage: restart from the data directory. */
final class DurableRaftServerTest {

  @TempDir Path dir;

  @Test
  void restartedServer_rebuildsItsStateMachineFromSnapshotAndLog_andCatchesUp() throws Exception {
    GroupOptions options = GroupOptions.of(7, 1, 2, 3).withSnapshots(30, 0, 5);
    SimCluster c = new SimCluster(21, dir);
    c.startAll(3, options);
    long leader = c.awaitLeader(7);
    for (int round = 0; round < 5; round++) { // in rounds, so that snapshots come one by one
      c.await(c.proposeMany(leader, 7, "a" + round + "-", 20), 100);
    }
    long restarted = leader == 3 ? 2 : 3;
    assertThat(c.runUntil(() -> c.machine(restarted, 7).commands.size() == 100, 50)).isTrue();
    assertThat(c.servers.get(restarted).storedGroups()).containsExactly(7L);
    c.stop(restarted);
    try (var files = Files.list(dir.resolve("s" + restarted).resolve("groups/0000000000000007/sm"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".smsnap")))
          .as("the newest state machine snapshot and the one before it, no more").hasSize(2);
    }

    c.await(c.proposeMany(leader, 7, "b", 50), 100);

    c.start(restarted);
    c.create(restarted, options);
    LogStateMachine sm = c.machine(restarted, 7);
    c.scheduler.runUntilIdle(); // no time passes: nothing from the leader yet
    assertThat(sm.restores).as("restored from its own snapshot").isEqualTo(1);
    assertThat(sm.commands).as("then replayed its committed log").hasSize(100);
    assertThat(c.runUntil(() -> sm.commands.size() == 150, 100)).isTrue();
    assertThat(sm.commands).isEqualTo(c.machine(leader, 7).commands);
    assertThat(c.servers.get(leader).metrics().get("saves")).isPositive();
  }

  @Test
  void wholeClusterRestart_keepsEveryAcknowledgedCommand() throws Exception {
    GroupOptions options = GroupOptions.of(9, 1, 2, 3).withSnapshots(25, 0, 5);
    SimCluster c = new SimCluster(22, dir);
    c.startAll(3, options);
    long leader = c.awaitLeader(9);
    List<CompletableFuture<Applied>> fs = c.proposeMany(leader, 9, "c", 60);
    List<Applied> acked = c.await(fs, 100);
    for (long id = 1; id <= 3; id++) {
      c.stop(id);
    }
    SimCluster again = new SimCluster(23, dir);
    for (long id = 1; id <= 3; id++) {
      again.start(id);
      again.create(id, options);
    }
    long l2 = again.awaitLeader(9);
    CompletableFuture<Object> read = again.servers.get(l2).group(9).read("size", ReadPolicy.LINEARIZABLE);
    again.await(List.of(read), 50);
    assertThat((Integer) read.join()).isGreaterThanOrEqualTo(60);
    for (Applied a : acked) {
      int pos = (Integer) a.result();
      assertThat(again.machine(l2, 9).commands.get(pos)).isEqualTo(cmd("c" + pos));
    }
  }
}
