package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.examples.kv.LocalCluster.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three (later four) real server processes on loopback (raft-server over the gRPC transport), each
 * with its own data directory: writes and reads, a leader killed with SIGKILL, a restart caught up
 * by snapshot, membership changes and bad requests. The steps run in order on one cluster; each
 * waits by polling with a deadline.
 */
@Tag("slow") // multi-process or crash test: run by failsafe in mvn verify, not by mvn test
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 110)
final class KvClusterTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path root;
  private static LocalCluster cluster;

  /** Writes the cluster acknowledged with 200, in order; none may be lost. */
  private static final List<String> acknowledged = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster =
        new LocalCluster(
            root,
            List.of(
                "--snapshot-entries",
                "20",
                "--catch-up-entries",
                "5",
                "--snapshot-log-ratio",
                "0",
                "--tick-ms",
                "50",
                "--election-ticks",
                "10",
                "--request-timeout-ms",
                "4000"));
    for (long id = 1; id <= 3; id++) {
      cluster.define(id);
    }
    for (long id = 1; id <= 3; id++) {
      cluster.start(id);
    }
    cluster.awaitLeader(WAIT, 1, 2, 3);
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void putAcknowledged(long via, String key, String value)
      throws InterruptedException {
    Result r =
        cluster.await(
            "PUT " + key + " via node " + via,
            WAIT,
            () -> {
              Result x = cluster.put(via, key, value);
              return x.code() == 200 ? x : null;
            });
    assertThat(r.body()).contains("\"key\":\"" + key + "\"");
    acknowledged.add(key);
  }

  @Test
  @Order(1)
  void writesOnAnyMember_areReadLinearizablyEverywhere() throws InterruptedException {
    for (long via = 1; via <= 3; via++) {
      putAcknowledged(via, "k" + via, "value-" + via);
    }
    for (long reader = 1; reader <= 3; reader++) {
      for (long k = 1; k <= 3; k++) {
        Result r = cluster.get(reader, "/kv/k" + k);
        assertThat(r.code()).as("GET k%d on node %d: %s", k, reader, r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("value-" + k);
      }
    }
    Result range = cluster.get(1, "/kv?from=k1&to=k3");
    assertThat(range.code()).isEqualTo(200);
    // Keys and values travel in base64 in JSON: k1 is "azE=", k2 "azI=", k3 "azM=".
    assertThat(range.body())
        .contains("\"key\":\"azE=\"", "\"key\":\"azI=\"")
        .doesNotContain("\"key\":\"azM=\"");
    assertThat(cluster.get(2, "/kv?from=k3").body())
        .contains("\"count\":1", "\"value\":\"dmFsdWUtMw==\"");

    Result del = cluster.call(3, "DELETE", "/kv/k3", null);
    assertThat(del.code()).isEqualTo(200);
    acknowledged.remove("k3");
    Result gone = cluster.get(1, "/kv/k3");
    assertThat(gone.code())
        .as("GET k3 after its delete: %s\n%s", gone.body(), cluster.logTails())
        .isEqualTo(404);
  }

  @Test
  @Order(2)
  void badRequests_areAnswered4xxWithAReason() {
    Result noKey = cluster.call(1, "PUT", "/kv/", "x");
    assertThat(noKey.code()).isEqualTo(400);
    assertThat(noKey.body()).contains("missing key");

    Result big = cluster.call(1, "PUT", "/kv/big", "x".repeat((1 << 20) + 1));
    assertThat(big.code()).as(big.body()).isEqualTo(413);
    assertThat(big.body()).contains("too large", "\"code\":\"TOO_LARGE\"");

    Result badUrl = cluster.call(1, "POST", "/members?id=9&url=http//nowhere", null);
    assertThat(badUrl.code()).isEqualTo(400);
    assertThat(badUrl.body()).contains("malformed peer URL");

    Result badId = cluster.call(1, "DELETE", "/members/abc", null);
    assertThat(badId.code()).isEqualTo(400);
    assertThat(badId.body()).contains("bad member id");

    Result unknown = cluster.call(1, "DELETE", "/members/77", null);
    assertThat(unknown.code()).isEqualTo(404);

    Result noRange = cluster.get(1, "/kv");
    assertThat(noRange.code()).isEqualTo(400);

    Result nowhere = cluster.get(1, "/nope");
    assertThat(nowhere.code()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void killedLeader_isReplaced_andNoAcknowledgedWriteIsLost() throws Exception {
    long leader = cluster.awaitLeader(WAIT, 1, 2, 3);
    long other = leader % 3 + 1;
    for (int i = 0; i < 30; i++) {
      putAcknowledged(i % 2 == 0 ? leader : other, "before-kill-" + i, "v" + i);
    }
    cluster.kill9(leader);
    long[] survivors = survivorsOf(leader);
    long newLeader = cluster.awaitLeader(WAIT, survivors);
    assertThat(newLeader).isNotEqualTo(leader);
    for (String key : acknowledged) {
      Result r = cluster.get(newLeader, "/kv/" + key);
      assertThat(r.code())
          .as("acknowledged %s after the leader died: %s", key, r.body())
          .isEqualTo(200);
    }
    // Enough writes while it is down that the log it missed is compacted behind a snapshot.
    for (int i = 0; i < 60; i++) {
      putAcknowledged(survivors[i % 2], "after-kill-" + i, "w" + i);
    }

    cluster.start(leader);
    String last = "after-kill-59";
    cluster.await(
        "the restarted node " + leader + " to catch up",
        WAIT,
        () -> {
          Result r = cluster.get(leader, "/kv/" + last + "?serializable=true");
          return r.code() == 200 && r.body().equals("w59") ? r : null;
        });
    for (String key : acknowledged) {
      Result r = cluster.get(leader, "/kv/" + key);
      assertThat(r.code())
          .as("acknowledged %s on the restarted node: %s", key, r.body())
          .isEqualTo(200);
    }
    assertThat(Files.readString(cluster.member(leader).log))
        .as("the restarted node was caught up by a snapshot")
        .contains("restored the state machine from a snapshot");
  }

  @Test
  @Order(4)
  void learnerIsAdded_promoted_andAMemberRemoved() throws InterruptedException {
    cluster.define(4);
    long leader = cluster.awaitLeader(WAIT, 1, 2, 3);
    Result add =
        cluster.call(
            leader, "POST", "/members?id=4&learner=true&url=" + cluster.member(4).peerUrl(), null);
    assertThat(add.code()).as(add.body()).isEqualTo(201);
    assertThat(cluster.get(leader, "/members").body()).contains("\"id\":4", "\"role\":\"learner\"");
    // A follower lists it once it has applied the change, which may come after the reply.
    cluster.await(
        "every voter to list the learner",
        WAIT,
        () -> {
          for (long id = 1; id <= 3; id++) {
            String body = cluster.get(id, "/members").body();
            if (!body.contains("\"id\":4") || !body.contains("\"role\":\"learner\"")) {
              return null;
            }
          }
          return Boolean.TRUE;
        });

    cluster.start(4, "--join");
    cluster.await(
        "the learner to catch up",
        WAIT,
        () -> {
          Result r = cluster.get(4, "/kv/after-kill-59?serializable=true");
          return r.code() == 200 ? r : null;
        });

    Result promote = cluster.call(leader, "POST", "/members/4/promote", null);
    assertThat(promote.code()).as(promote.body()).isEqualTo(200);
    assertThat(cluster.get(leader, "/members").body()).doesNotContain("learner");

    long victim = leader == 1 ? 2 : 1;
    Result remove = cluster.call(leader, "DELETE", "/members/" + victim, null);
    assertThat(remove.code()).as(remove.body()).isEqualTo(200);
    assertThat(cluster.get(leader, "/members").body()).doesNotContain("\"id\":" + victim + ",");

    long[] remaining = new long[3];
    int n = 0;
    for (long id = 1; id <= 4; id++) {
      if (id != victim) {
        remaining[n++] = id;
      }
    }
    putAcknowledged(4, "after-membership", "ok");
    for (long id : remaining) {
      Result r = cluster.get(id, "/kv/after-membership");
      assertThat(r.code()).as("node %d: %s", id, r.body()).isEqualTo(200);
    }
  }

  private static long[] survivorsOf(long dead) {
    long[] s = new long[2];
    int i = 0;
    for (long id = 1; id <= 3; id++) {
      if (id != dead) {
        s[i++] = id;
      }
    }
    return s;
  }
}
