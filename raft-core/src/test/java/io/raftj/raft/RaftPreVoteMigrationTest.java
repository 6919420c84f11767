package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.hup;
import static io.raftj.raft.RaftTestSupport.prop;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ports etcd raft_test.go's tests of clusters where a node's term fell behind or ran ahead while
 * pre-vote was being switched on: TestNodeWithSmallerTermCanCompleteElection and the
 * TestPreVoteMigration* tests.
 *
 * <p>etcd flips {@code preVote} on a live node; here pre-vote is fixed at construction, so the
 * migration restarts node 3 from its storage with pre-vote on, as a rolling restart does. Node 3
 * then resumes as a follower at its persisted term instead of a candidate, which the tests' next
 * step (campaigning at node 3) makes irrelevant: both become pre-candidates at that term.
 */
final class RaftPreVoteMigrationTest {

  private static Raft raft(long id, MemoryStorage s, boolean preVote) {
    return new Raft(newTestConfig(id, 10, 1, s).setPreVote(preVote));
  }

  private static void assertState(Network nt, long id, StateType want) {
    assertThat(nt.raft(id).state).as("state of %d", id).isEqualTo(want);
  }

  /**
   * After a partition, a node stuck as pre-candidate at a lower term does not prevent the others
   * from electing a leader once the previous leader goes away.
   */
  @Test
  void nodeWithSmallerTermCanCompleteElection() {
    Raft[] rs = new Raft[3];
    for (int i = 0; i < 3; i++) {
      rs[i] = raft(i + 1, newTestMemoryStorage(withPeers(1, 2, 3)), true);
      rs[i].becomeFollower(1, RaftConstants.NONE);
    }
    Network nt = Network.withConfig(null, rs[0], rs[1], rs[2]);
    nt.cut(1, 3);
    nt.cut(2, 3);

    nt.send(hup(1));
    assertState(nt, 1, StateType.STATE_LEADER);
    assertState(nt, 2, StateType.STATE_FOLLOWER);

    nt.send(hup(3));
    assertState(nt, 3, StateType.STATE_PRE_CANDIDATE);

    nt.send(hup(2));
    assertThat(nt.raft(1).term).isEqualTo(3);
    assertThat(nt.raft(2).term).isEqualTo(3);
    assertThat(nt.raft(3).term).isEqualTo(1);
    assertState(nt, 1, StateType.STATE_FOLLOWER);
    assertState(nt, 2, StateType.STATE_LEADER);
    assertState(nt, 3, StateType.STATE_PRE_CANDIDATE);

    // bring 3 back and take the leader 2 away, as if it crashed
    nt.recover();
    nt.cut(2, 1);
    nt.cut(2, 3);

    nt.send(hup(3));
    nt.send(hup(1));
    assertThat(
            nt.raft(1).state == StateType.STATE_LEADER
                || nt.raft(3).state == StateType.STATE_LEADER)
        .as("1 or 3 is leader (states %s, %s)", nt.raft(1).state, nt.raft(3).state)
        .isTrue();
  }

  /**
   * etcd's newPreVoteMigrationCluster: 1 leads at term 2 with 2 following; 3, without pre-vote, was
   * isolated, missed an entry and campaigned twice up to term 4. Then 3 is restarted with pre-vote
   * on and the network heals.
   */
  private static Network preVoteMigrationCluster() {
    MemoryStorage s3 = newTestMemoryStorage(withPeers(1, 2, 3));
    Raft n1 = raft(1, newTestMemoryStorage(withPeers(1, 2, 3)), true);
    Raft n2 = raft(2, newTestMemoryStorage(withPeers(1, 2, 3)), true);
    Raft n3 = raft(3, s3, false);
    n1.becomeFollower(1, RaftConstants.NONE);
    n2.becomeFollower(1, RaftConstants.NONE);
    n3.becomeFollower(1, RaftConstants.NONE);

    Network nt = Network.withConfig(null, n1, n2, n3);
    nt.send(hup(1));

    nt.isolate(3);
    nt.send(prop(1, 1, "some data"));
    nt.send(hup(3));
    nt.send(hup(3));

    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(n1.term).isEqualTo(2);
    assertThat(n2.term).isEqualTo(2);
    assertThat(n3.term).isEqualTo(4);

    nextEnts(n3, s3);
    s3.setHardState(n3.hardState());
    Raft restarted = raft(3, s3, true);
    assertThat(restarted.term).isEqualTo(4);
    assertThat(restarted.raftLog.lastIndex())
        .isEqualTo(n3.raftLog.lastIndex())
        .isLessThan(n1.raftLog.lastIndex());
    replace(nt, restarted);
    nt.recover();
    return nt;
  }

  /** Swaps a restarted node into the network, wired as the network wires its own peers. */
  private static void replace(Network nt, Raft r) {
    nt.rafts.put(r.id, r);
    nt.peers.put(
        r.id,
        new Network.StateMachine() {
          @Override
          public void step(Message m) {
            try {
              r.step(m);
            } catch (ProposalDroppedException e) {
              // ignored, as in the network's own peers
            }
            RaftTestUtil.advanceMessagesAfterAppend(r);
          }

          @Override
          public List<Message> readMessages() {
            return RaftTestUtil.readMessages(r);
          }
        });
  }

  /** With the leader gone, the pre-candidate at a higher term and shorter log lets 2 win. */
  @Test
  void preVoteMigrationCanCompleteElection() {
    Network nt = preVoteMigrationCluster();
    Raft n2 = nt.raft(2);
    Raft n3 = nt.raft(3);

    nt.isolate(1);
    nt.send(hup(3));
    nt.send(hup(2));
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.state).isEqualTo(StateType.STATE_PRE_CANDIDATE);

    nt.send(hup(3));
    nt.send(hup(2));
    assertThat(n2.state == StateType.STATE_LEADER || n3.state == StateType.STATE_FOLLOWER)
        .as("2 leads or 3 follows (states %s, %s)", n2.state, n3.state)
        .isTrue();
  }

  /**
   * A pre-candidate at a higher term cannot win, but the leader's heartbeat makes it answer at its
   * term, which deposes the leader and frees the stuck node at that term.
   */
  @Test
  void preVoteMigrationWithFreeStuckPreCandidate() {
    Network nt = preVoteMigrationCluster();
    Raft n1 = nt.raft(1);
    Raft n2 = nt.raft(2);
    Raft n3 = nt.raft(3);

    for (int round = 0; round < 2; round++) {
      nt.send(hup(3));
      assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
      assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
      assertThat(n3.state).isEqualTo(StateType.STATE_PRE_CANDIDATE);
    }

    nt.send(msg(1, 3, MessageType.MsgHeartbeat).setTerm(n1.term).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.term).isEqualTo(n1.term);
  }
}
