package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.hup;
import static io.raftj.raft.RaftTestSupport.prop;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.MessageType;
import org.junit.jupiter.api.Test;

/**
 * Ports the check-quorum and leader-lease tests of etcd's raft_test.go that concern elections while
 * a leader's lease may still hold: a lapsed lease lets a new leader win, non-promotable voters stay
 * followers, and pre-vote keeps a disruptive follower from deposing the leader.
 */
final class RaftCheckQuorumTest {

  /** A Raft of three voters with check-quorum on (and pre-vote if asked). */
  private static Raft checkQuorumRaft(long id, boolean preVote) {
    return new Raft(
        newTestConfig(id, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
            .setCheckQuorum(true)
            .setPreVote(preVote));
  }

  /** Once both other voters' leases have lapsed, a new candidate wins. */
  @Test
  void leaderElectionWithCheckQuorum() {
    Raft a = checkQuorumRaft(1, false);
    Raft b = checkQuorumRaft(2, false);
    Raft c = checkQuorumRaft(3, false);
    Network nt = Network.withConfig(null, a, b, c);
    a.setRandomizedElectionTimeout(a.electionTimeout + 1);
    b.setRandomizedElectionTimeout(b.electionTimeout + 2);

    // Right after creation votes are granted regardless of the election timeout.
    nt.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(c.state).isEqualTo(StateType.STATE_FOLLOWER);

    // The state changes may have reset the randomized timeouts: lengthen them again.
    a.setRandomizedElectionTimeout(a.electionTimeout + 1);
    b.setRandomizedElectionTimeout(b.electionTimeout + 2);
    for (int i = 0; i < a.electionTimeout; i++) {
      a.tick();
    }
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    nt.send(hup(3));
    assertThat(a.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(c.state).isEqualTo(StateType.STATE_LEADER);
  }

  /** A voter that is not in its own configuration never campaigns and follows the leader. */
  @Test
  void nonPromotableVoterWithCheckQuorum() {
    Raft a =
        new Raft(
            newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1, 2))).setCheckQuorum(true));
    Raft b =
        new Raft(newTestConfig(2, 10, 1, newTestMemoryStorage(withPeers(1))).setCheckQuorum(true));
    Network nt = Network.withConfig(null, a, b);
    b.setRandomizedElectionTimeout(b.electionTimeout + 1);
    // The network made b a voter again; remove it to make it non-promotable.
    b.applyConfChange(RaftTestSupport.confChange(ConfChangeType.ConfChangeRemoveNode, 2));
    assertThat(b.promotable()).isFalse();

    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    nt.send(hup(1));
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(b.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(b.lead).isEqualTo(1);
  }

  private static void assertStateAndTerm(Raft r, StateType state, long term) {
    assertThat(r.state).as("state of %d", r.id).isEqualTo(state);
    assertThat(r.term).as("term of %d", r.id).isEqualTo(term);
  }

  /** Three check-quorum Rafts, from term 1, with node 1 elected leader. */
  private static Network electedTrio(boolean preVote) {
    Raft n1 = checkQuorumRaft(1, preVote);
    Raft n2 = checkQuorumRaft(2, preVote);
    Raft n3 = checkQuorumRaft(3, preVote);
    n1.becomeFollower(1, RaftConstants.NONE);
    n2.becomeFollower(1, RaftConstants.NONE);
    n3.becomeFollower(1, RaftConstants.NONE);
    Network nt = Network.withConfig(null, n1, n2, n3);
    nt.send(hup(1));
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.state).isEqualTo(StateType.STATE_FOLLOWER);
    return nt;
  }

  /**
   * With pre-vote, an isolated follower with a shorter log stays a pre-candidate at the same term,
   * so the leader's late heartbeat does not depose the leader.
   *
   * <p>etcd turns pre-vote on only after the first election; here it is on from the start (the
   * field is fixed at construction), which elects the same leader at the same term.
   */
  @Test
  void disruptiveFollowerPreVote() {
    Network nt = electedTrio(true);
    Raft n1 = nt.raft(1);
    Raft n2 = nt.raft(2);
    Raft n3 = nt.raft(3);

    nt.isolate(3);
    nt.send(prop(1, 1, "somedata"));
    nt.send(prop(1, 1, "somedata"));
    nt.send(prop(1, 1, "somedata"));
    nt.recover();
    nt.send(hup(3));

    assertStateAndTerm(n1, StateType.STATE_LEADER, 2);
    assertStateAndTerm(n2, StateType.STATE_FOLLOWER, 2);
    assertStateAndTerm(n3, StateType.STATE_PRE_CANDIDATE, 2);

    nt.send(msg(1, 3, MessageType.MsgHeartbeat).setTerm(n1.term).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
  }

  /**
   * With the leader isolated, followers still in its lease ignore a pre-vote; once one of them
   * campaigns too, a new leader is elected.
   */
  @Test
  void preVoteWithCheckQuorum() {
    Network nt = electedTrio(true);
    Raft n2 = nt.raft(2);
    Raft n3 = nt.raft(3);
    nt.isolate(1);

    // Node 2 ignores node 3's pre-vote while it believes in node 1's lease.
    nt.send(hup(3));
    assertThat(n3.state).isEqualTo(StateType.STATE_PRE_CANDIDATE);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);

    // Node 3, itself campaigning, knows no leader and grants node 2's pre-vote and vote.
    nt.send(hup(2));
    assertThat(n2.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n3.state).isEqualTo(StateType.STATE_FOLLOWER);
  }
}
