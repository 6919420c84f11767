package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A ReadIndex request or its answer lost on the way is sent again, long before the deadline. */
class ReadIndexRetryTest {

  enum Lost {
    REQUEST(MessageType.MsgReadIndex),
    ANSWER(MessageType.MsgReadIndexResp);

    final MessageType type;

    Lost(MessageType type) {
      this.type = type;
    }
  }

  @ParameterizedTest
  @EnumSource(Lost.class)
  void aFollowersLostReadIndexIsSentAgain_andTheReadIsAnsweredWellBeforeItsDeadline(Lost lost)
      throws Exception {
    SimCluster c = new SimCluster(31, null).startAll(3, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long follower = leader == 1 ? 2 : 1;
    c.await(c.proposeMany(leader, 7, "x", 3), 20);
    AtomicInteger dropped = new AtomicInteger();
    c.network.setFilter(
        b -> {
          for (Message m : b.messages()) {
            if (m.getType() == lost.type && dropped.get() == 0) {
              dropped.incrementAndGet();
              return false;
            }
          }
          return true;
        });

    long start = c.scheduler.nanoTime();
    CompletableFuture<Object> read =
        c.servers
            .get(follower)
            .group(7)
            .read("all", ReadPolicy.LINEARIZABLE, Duration.ofSeconds(10));
    assertThat(c.runUntil(read::isDone, 30)).as("answered within 3 s of virtual time").isTrue();

    assertThat(dropped).hasValue(1);
    assertThat(read.get()).isEqualTo(c.machine(leader, 7).commands);
    long waited = c.scheduler.nanoTime() - start;
    assertThat(waited)
        .as(
            "sent again after %d ms, not left to the 10 s deadline",
            ReadIndexReads.RETRY_NANOS / 1_000_000)
        .isGreaterThanOrEqualTo(ReadIndexReads.RETRY_NANOS)
        .isLessThan(ReadIndexReads.RETRY_NANOS + Duration.ofSeconds(1).toNanos());
  }

  @Test
  void anAnsweredReadIsNotSentAgain() throws Exception {
    SimCluster c = new SimCluster(32, null).startAll(3, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long follower = leader == 1 ? 2 : 1;
    AtomicInteger requests = new AtomicInteger();
    c.network.setFilter(
        b -> {
          for (Message m : b.messages()) {
            if (m.getType() == MessageType.MsgReadIndex) {
              requests.incrementAndGet();
            }
          }
          return true;
        });
    CompletableFuture<Object> read =
        c.servers.get(follower).group(7).read("all", ReadPolicy.LINEARIZABLE);
    assertThat(c.runUntil(read::isDone, 30)).isTrue();
    c.runUntil(() -> false, 20); // two seconds more: nothing may be resent
    assertThat(requests).hasValue(1);
  }
}
