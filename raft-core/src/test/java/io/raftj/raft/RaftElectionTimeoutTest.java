package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.hup;
import static io.raftj.raft.RaftTestUtil.advanceMessagesAfterAppend;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.MessageType;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ports etcd raft_test.go's tests of the randomized election timer: how often a given elapsed time
 * counts as past the timeout, and how a candidate that campaigned alone yields to the leader.
 */
final class RaftElectionTimeoutTest {

  record TimeoutCase(int elapse, double wantProbability, boolean round) {}

  static TimeoutCase[] pastElectionTimeoutCases() {
    return new TimeoutCase[] {
      new TimeoutCase(5, 0, false),
      new TimeoutCase(10, 0.1, true),
      new TimeoutCase(13, 0.4, true),
      new TimeoutCase(15, 0.6, true),
      new TimeoutCase(18, 0.9, true),
      new TimeoutCase(20, 1, false),
    };
  }

  /**
   * The randomized timeout is uniform in [electionTimeout, 2*electionTimeout): the share of draws
   * that an elapsed time has reached matches that range.
   */
  @ParameterizedTest
  @MethodSource("pastElectionTimeoutCases")
  void pastElectionTimeout(TimeoutCase tt) {
    long seed = 20260101L + tt.elapse();
    Raft sm =
        new Raft(
            newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1)))
                .setRandom(new SplittableRandom(seed)));
    sm.electionElapsed = tt.elapse();
    int c = 0;
    for (int j = 0; j < 10000; j++) {
      sm.resetRandomizedElectionTimeout();
      if (sm.pastElectionTimeout()) {
        c++;
      }
    }
    double got = c / 10000.0;
    if (tt.round()) {
      got = Math.floor(got * 10 + 0.5) / 10.0;
    }
    assertThat(got).as("elapse %d, seed %d", tt.elapse(), seed).isEqualTo(tt.wantProbability());
  }

  /**
   * An isolated node that timed out into candidacy becomes a follower at the leader's term when the
   * leader's heartbeat or append reaches it after the partition heals.
   */
  @ParameterizedTest
  @EnumSource(
      value = MessageType.class,
      names = {"MsgHeartbeat", "MsgApp"})
  void candidateResetTerm(MessageType mt) {
    Raft a = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft b = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft c = newTestRaft(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Network nt = Network.withConfig(null, a, b, c);

    nt.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(b.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(c.state).isEqualTo(StateType.STATE_FOLLOWER);

    // raise the term on the majority side while 3 is cut off
    nt.isolate(3);
    nt.send(hup(2));
    nt.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(b.state).isEqualTo(StateType.STATE_FOLLOWER);

    c.resetRandomizedElectionTimeout();
    for (int i = 0; i < c.randomizedElectionTimeout; i++) {
      c.tick();
    }
    advanceMessagesAfterAppend(c);
    assertThat(c.state).isEqualTo(StateType.STATE_CANDIDATE);

    nt.recover();
    nt.send(msg(1, 3, mt).setTerm(a.term).build());

    assertThat(c.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(c.term).isEqualTo(a.term);
  }
}
