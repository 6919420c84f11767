package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.examples.kv.LocalCluster.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Membership guards and what removed and leaderless members answer, on members in this JVM. */
@Timeout(value = 120)
// LocalCluster.close() may be interrupted; the tests declare it.
@SuppressWarnings("try")
final class KvMembershipTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path root;

  private LocalCluster threeMembers() throws InterruptedException {
    LocalCluster c =
        LocalCluster.inProcess(
            root,
            List.of("--tick-ms", "50", "--election-ticks", "10", "--request-timeout-ms", "4000"));
    for (long id = 1; id <= 3; id++) {
      c.define(id);
    }
    for (long id = 1; id <= 3; id++) {
      c.start(id);
    }
    c.awaitLeader(WAIT, 1, 2, 3);
    return c;
  }

  @Test
  void removedMember_answers410_andTheLastVoterCannotBeRemoved() throws InterruptedException {
    try (LocalCluster c = threeMembers()) {
      long leader = c.awaitLeader(WAIT, 1, 2, 3);
      long[] others =
          leader == 1 ? new long[] {2, 3} : leader == 2 ? new long[] {1, 3} : new long[] {1, 2};
      Result removed = c.call(others[0], "DELETE", "/members/" + others[1], null);
      assertThat(removed.code()).as(removed.body()).isEqualTo(200);
      Result gone =
          c.await(
              "node " + others[1] + " to say it was removed",
              WAIT,
              () -> {
                Result r = c.call(others[1], "PUT", "/kv/after-removal", "x");
                return r.code() == 410 ? r : null;
              });
      assertThat(gone.body()).contains("\"code\":\"REMOVED\"", "was removed from the cluster");
      assertThat(c.get(others[1], "/status").body()).contains("\"removed\":true");

      Result second = c.call(leader, "DELETE", "/members/" + others[0], null);
      assertThat(second.code()).as(second.body()).isEqualTo(200);
      Result last = c.call(leader, "DELETE", "/members/" + leader, null);
      assertThat(last.code()).as(last.body()).isEqualTo(409);
      assertThat(last.body()).contains("\"code\":\"MEMBERSHIP\"", "last voter");
      Result still =
          c.await(
              "a write on the last voter",
              WAIT,
              () -> {
                Result r = c.call(leader, "PUT", "/kv/still", "here");
                return r.code() == 200 ? r : null;
              });
      assertThat(still.body()).contains("\"key\":\"still\"");
    }
  }

  @Test
  void aMemberWithoutLeader_saysSo() throws InterruptedException {
    try (LocalCluster c = threeMembers()) {
      long leader = c.awaitLeader(WAIT, 1, 2, 3);
      long survivor = leader == 1 ? 2 : 1;
      for (long id = 1; id <= 3; id++) {
        if (id != survivor) {
          c.kill9(id);
        }
      }
      Result r =
          c.await(
              "the survivor to report no leader",
              WAIT,
              () -> {
                Result x = c.call(survivor, "PUT", "/kv/alone", "x");
                return x.code() == 503 && x.body().contains("\"code\":\"NO_LEADER\"") ? x : null;
              });
      assertThat(r.body()).contains("no leader", "\"leader\":0");
    }
  }

  @Test
  void addedMember_joins_andServesWritesForwardedToTheLeader() throws InterruptedException {
    try (LocalCluster c = threeMembers()) {
      long leader = c.awaitLeader(WAIT, 1, 2, 3);
      for (int i = 0; i < 5; i++) {
        Result r = c.call(leader, "PUT", "/kv/early-" + i, "v");
        assertThat(r.code()).as(r.body()).isEqualTo(200);
      }
      c.define(4);
      Result add =
          c.call(leader == 1 ? 2 : 1, "POST", "/members?id=4&url=" + c.member(4).peerUrl(), null);
      assertThat(add.code()).as(add.body()).isEqualTo(201);
      c.start(4, "--join");
      Result w =
          c.await(
              "a write through the new member",
              WAIT,
              () -> {
                Result r = c.call(4, "PUT", "/kv/via-4", "v4");
                return r.code() == 200 ? r : null;
              });
      assertThat(w.body()).contains("\"key\":\"via-4\"");
      assertThat(c.get(4, "/kv/early-0").body()).isEqualTo("v");
      assertThat(c.get(leader, "/members").body()).contains("\"id\":4", "\"role\":\"voter\"");
    }
  }
}
