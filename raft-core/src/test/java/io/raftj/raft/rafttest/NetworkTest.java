package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests {@link Network}: elections, replication and each kind of fault, in simulated time. */
final class NetworkTest {

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static List<String> applied(Network net, long id) {
    List<String> out = new ArrayList<>();
    for (Entry e : net.node(id).appliedEntries()) {
      out.add(e.getData().toStringUtf8());
    }
    return out;
  }

  private static long electLeader(Network net) {
    assertThat(net.runUntil(() -> net.leader() != RaftConstants.NONE, 200))
        .as("a leader is elected")
        .isTrue();
    return net.leader();
  }

  @Test
  void healthyCluster_electsLeaderAndReplicatesEverywhere() {
    Network net = Network.builder().peers(1, 2, 3).seed(1).build();
    long leader = electLeader(net);

    assertThat(net.propose(leader, bytes("a"))).isTrue();
    assertThat(net.propose(leader, bytes("b"))).isTrue();
    net.tick(3);

    for (long id = 1; id <= 3; id++) {
      assertThat(applied(net, id)).as("node %d", id).containsExactly("a", "b");
    }
  }

  @Test
  void dropRateOne_onEveryLinkOfANode_keepsItBehind() {
    Network net = Network.builder().peers(1, 2, 3).seed(2).build();
    net.campaign(1);
    assertThat(net.leader()).isEqualTo(1);
    net.drop(1, 3, 1.0);

    net.propose(1, bytes("x"));
    net.tick(5);

    assertThat(applied(net, 1)).containsExactly("x");
    assertThat(applied(net, 2)).containsExactly("x");
    assertThat(applied(net, 3)).isEmpty();
    assertThat(net.droppedCount()).isPositive();
  }

  /** The intent of etcd's TestNetworkDrop: a link drops about its configured share. */
  @Test
  void dropRate_dropsAboutThatShareOfALinksMessages() {
    Network net =
        Network.builder().peers(1, 2, 3).seed(9).configure(c -> c.setCheckQuorum(false)).build();
    net.campaign(1);
    net.drop(1, 2, 0.3);
    long[] heartbeats = new long[4];
    net.observe(
        m -> {
          if (m.getType() == MessageType.MsgHeartbeat) {
            heartbeats[(int) m.getTo()]++;
          }
        });
    net.tick(2000);

    assertThat(heartbeats[3]).as("heartbeats delivered on the healthy link").isEqualTo(2000);
    assertThat(heartbeats[2]).as("heartbeats delivered on the lossy link").isBetween(1300L, 1500L);
  }

  @Test
  void delay_holdsMessagesForTheGivenTicks() {
    Network net = Network.builder().peers(1, 2, 3).seed(3).build();
    net.campaign(1);
    net.delay(1, 2, 4, 4);
    net.delay(1, 3, 4, 4);

    net.propose(1, bytes("slow"));
    net.tick(3);
    assertThat(applied(net, 1)).as("MsgApp still in flight after 3 ticks").isEmpty();
    net.tick();
    // The MsgApps arrive at tick 4 and the (undelayed) acks commit the entry at once.
    assertThat(applied(net, 1)).containsExactly("slow");
    assertThat(applied(net, 2)).as("the new commit index is itself 4 ticks away").isEmpty();
    net.tick(4);
    assertThat(applied(net, 2)).containsExactly("slow");
  }

  @Test
  void isolatedLeader_isReplacedByTheMajority_andCatchesUpAfterHeal() {
    Network net = Network.builder().peers(1, 2, 3).seed(4).build();
    net.campaign(1);
    net.propose(1, bytes("before"));
    net.isolate(1);

    assertThat(net.runUntil(() -> net.leader() != 1 && net.leader() != RaftConstants.NONE, 200))
        .isTrue();
    long newLeader = net.leader();
    assertThat(net.propose(newLeader, bytes("after"))).isTrue();
    net.tick();
    // With check quorum the isolated node steps down; its old proposal path is cut.
    assertThat(applied(net, 1)).containsExactly("before");

    net.heal();
    net.tick(20);
    assertThat(applied(net, 1)).containsExactly("before", "after");
    assertThat(net.node(1).rawNode().basicStatus().softState().lead()).isEqualTo(newLeader);
  }

  @Test
  void partition_minorityCannotCommit() {
    Network net = Network.builder().peers(1, 2, 3, 4, 5).seed(5).build();
    net.campaign(1);
    net.partition(new long[] {1, 2}, new long[] {3, 4, 5});

    net.propose(1, bytes("minority"));
    net.tick(2);
    assertThat(applied(net, 1)).isEmpty();

    assertThat(net.runUntil(() -> net.leader() >= 3, 200)).isTrue();
    long majorityLeader = net.leader();
    assertThat(net.propose(majorityLeader, bytes("majority"))).isTrue();
    net.tick();
    assertThat(applied(net, 3)).containsExactly("majority");

    net.heal();
    net.tick(30);
    for (long id = 1; id <= 5; id++) {
      assertThat(applied(net, id)).as("node %d", id).containsExactly("majority");
    }
  }

  @Test
  void ignore_dropsAMessageTypeEverywhere() {
    Network net = Network.builder().peers(1, 2, 3).seed(6).build();
    net.ignore(MessageType.MsgVote);
    net.ignore(MessageType.MsgPreVote);
    net.tick(100);
    assertThat(net.leader()).isEqualTo(RaftConstants.NONE);

    net.heal();
    electLeader(net);
  }

  @Test
  void stopAndRestart_recoversFromStorage() {
    Network net = Network.builder().peers(1, 2, 3).seed(7).build();
    net.campaign(1);
    net.propose(1, bytes("one"));
    net.tick();
    net.stop(3);
    net.propose(1, bytes("two"));
    net.tick(2);
    assertThat(applied(net, 3)).containsExactly("one");

    net.restart(3);
    net.tick(5);
    // A restarted node re-applies its log from the start.
    assertThat(applied(net, 3)).containsExactly("one", "two");
  }

  @Test
  void compactedLog_followerIsRestoredBySnapshot() {
    List<String> restored = new ArrayList<>();
    Network net =
        Network.builder()
            .peers(1, 2, 3)
            .seed(8)
            .stateMachine(
                id ->
                    new StateMachine() {
                      @Override
                      public void apply(Entry entry) {}

                      @Override
                      public ByteString snapshot() {
                        return bytes("state@" + id);
                      }

                      @Override
                      public void restore(ByteString data) {
                        if (!data.isEmpty()) {
                          restored.add(id + ":" + data.toStringUtf8());
                        }
                      }
                    })
            .build();
    net.campaign(1);
    net.stop(3);
    net.propose(1, bytes("a"));
    net.propose(1, bytes("b"));
    net.tick();
    net.compact(1);

    net.restart(3);
    net.tick(10);

    assertThat(restored).containsExactly("3:state@1");
    assertThat(net.node(3).applied()).isEqualTo(net.node(1).applied());
  }

  @Test
  void sameSeed_replaysTheSameRun() {
    assertThat(trace(42)).isEqualTo(trace(42));
    assertThat(trace(42)).isNotEqualTo(trace(43));
  }

  private static List<String> trace(long seed) {
    Network net = Network.builder().peers(1, 2, 3).seed(seed).build();
    for (long a = 1; a <= 3; a++) {
      for (long b = 1; b <= 3; b++) {
        if (a != b) {
          net.drop(a, b, 0.2);
          net.delay(a, b, 0, 3);
        }
      }
    }
    List<String> trace = new ArrayList<>();
    net.observe(
        (Message m) ->
            trace.add(
                net.now()
                    + " "
                    + m.getFrom()
                    + "->"
                    + m.getTo()
                    + " "
                    + m.getType()
                    + " "
                    + m.getTerm()
                    + " "
                    + m.getIndex()));
    for (int i = 0; i < 10; i++) {
      net.runUntil(() -> net.leader() != RaftConstants.NONE, 100);
      long leader = net.leader();
      if (leader != RaftConstants.NONE) {
        net.propose(leader, bytes("p" + i));
      }
      net.tick(3);
    }
    return trace;
  }
}
