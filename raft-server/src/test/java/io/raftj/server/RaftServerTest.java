package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

final class RaftServerTest {

  @Test
  void threeMembers_proposalsResolveWithIndexTermAndResult() throws Exception {
    SimCluster c = new SimCluster(1, null);
    for (long id = 1; id <= 3; id++) {
      c.start(id);
      c.create(id, GroupOptions.of(7, 1, 2, 3));
    }
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fs.add(g.propose(cmd("c" + i)));
    }
    List<Applied> out = c.await(fs, 50);
    for (int i = 0; i < out.size(); i++) {
      assertThat(out.get(i).result()).isEqualTo(i);
      assertThat(out.get(i).term()).isEqualTo(g.status().term());
      if (i > 0) {
        assertThat(out.get(i).index()).isEqualTo(out.get(i - 1).index() + 1);
      }
    }
    assertThat(c.runUntil(() -> c.machine(1, 7).commands.size() == 100
        && c.machine(2, 7).commands.size() == 100 && c.machine(3, 7).commands.size() == 100, 50))
        .isTrue();
    assertThat(c.machine(1, 7).commands).isEqualTo(c.machine(2, 7).commands)
        .isEqualTo(c.machine(3, 7).commands);
  }
}
