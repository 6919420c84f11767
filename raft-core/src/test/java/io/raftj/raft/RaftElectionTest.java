package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.advanceMessagesAfterAppend;
import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withLearners;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports the election tests of etcd's raft_test.go (plain, pre-vote, check-quorum, learners). */
final class RaftElectionTest {

  private static final Consumer<Config> PRE_VOTE = c -> c.setPreVote(true);
  private static final Consumer<Config> CHECK_QUORUM = c -> c.setCheckQuorum(true);

  private static Message hup(long id) {
    return msg(id, id, MessageType.MsgHup).build();
  }

  /** etcd's entsWithConfig: a node whose log holds entries of {@code terms}, at the last term. */
  static Raft entsWithConfig(long id, Consumer<Config> configFunc, long... terms) {
    MemoryStorage storage = newTestMemoryStorage();
    for (int i = 0; i < terms.length; i++) {
      storage.append(List.of(Entry.newBuilder().setIndex(i + 1).setTerm(terms[i]).build()));
    }
    Config cfg = newTestConfig(id, 5, 1, storage);
    if (configFunc != null) {
      configFunc.accept(cfg);
    }
    Raft sm = new Raft(cfg);
    sm.reset(terms[terms.length - 1]);
    return sm;
  }

  /** etcd's votedWithConfig: a node that voted for {@code vote} in {@code term}, with no log. */
  static Raft votedWithConfig(long id, Consumer<Config> configFunc, long vote, long term) {
    MemoryStorage storage = newTestMemoryStorage();
    storage.setHardState(HardState.newBuilder().setVote(vote).setTerm(term).build());
    Config cfg = newTestConfig(id, 5, 1, storage);
    if (configFunc != null) {
      configFunc.accept(cfg);
    }
    Raft sm = new Raft(cfg);
    sm.reset(term);
    return sm;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void leaderElection(boolean preVote) {
    Consumer<Config> cfg = preVote ? PRE_VOTE : null;
    StateType candState = preVote ? StateType.STATE_PRE_CANDIDATE : StateType.STATE_CANDIDATE;
    long candTerm = preVote ? 0 : 1;
    Object bh = Network.BLACK_HOLE;
    record Case(Network nw, StateType state, long expTerm) {}
    List<Case> cases =
        List.of(
            new Case(Network.withConfig(cfg, null, null, null), StateType.STATE_LEADER, 1),
            new Case(Network.withConfig(cfg, null, null, bh), StateType.STATE_LEADER, 1),
            new Case(Network.withConfig(cfg, null, bh, bh), candState, candTerm),
            new Case(Network.withConfig(cfg, null, bh, bh, null), candState, candTerm),
            new Case(Network.withConfig(cfg, null, bh, bh, null, null), StateType.STATE_LEADER, 1),
            // Three logs further along than 0, but in the same term, so rejections are returned
            // instead of the votes being ignored.
            new Case(
                Network.withConfig(
                    cfg,
                    null,
                    entsWithConfig(2, cfg, 1),
                    entsWithConfig(3, cfg, 1),
                    entsWithConfig(4, cfg, 1, 1),
                    null),
                StateType.STATE_FOLLOWER,
                1));
    for (int i = 0; i < cases.size(); i++) {
      Case tt = cases.get(i);
      tt.nw().send(hup(1));
      Raft sm = tt.nw().raft(1);
      assertThat(sm.state).as("#%d", i).isEqualTo(tt.state());
      assertThat(sm.term).as("#%d", i).isEqualTo(tt.expTerm());
    }
  }

  /** A learner never campaigns, however long it waits. */
  @Test
  void learnerElectionTimeout() {
    Raft n2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    n2.becomeFollower(1, RaftConstants.NONE);
    n2.setRandomizedElectionTimeout(n2.electionTimeout);
    for (int i = 0; i < n2.electionTimeout; i++) {
      n2.tick();
    }
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  /** A learner promoted to voter can campaign and win. */
  @Test
  void learnerPromotion() {
    Raft n1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    Raft n2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    n1.becomeFollower(1, RaftConstants.NONE);
    n2.becomeFollower(1, RaftConstants.NONE);
    Network nt = Network.withConfig(null, n1, n2);
    assertThat(n1.state).isNotEqualTo(StateType.STATE_LEADER);

    n1.setRandomizedElectionTimeout(n1.electionTimeout);
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }
    advanceMessagesAfterAppend(n1);
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);

    nt.send(msg(1, 1, MessageType.MsgBeat).build());
    ConfChange add2 =
        ConfChange.newBuilder().setNodeId(2).setType(ConfChangeType.ConfChangeAddNode).build();
    n1.applyConfChange(ConfChangeI.of(add2).asV2());
    n2.applyConfChange(ConfChangeI.of(add2).asV2());
    assertThat(n2.isLearner).isFalse();

    n2.setRandomizedElectionTimeout(n2.electionTimeout);
    for (int i = 0; i < n2.electionTimeout; i++) {
      n2.tick();
    }
    advanceMessagesAfterAppend(n2);
    nt.send(msg(2, 2, MessageType.MsgBeat).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n2.state).isEqualTo(StateType.STATE_LEADER);
  }

  /** Learners vote when asked: they may be voters in a newer configuration. */
  @Test
  void learnerCanVote() {
    Raft n2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    n2.becomeFollower(1, RaftConstants.NONE);
    n2.step(msg(1, 2, MessageType.MsgVote).setTerm(2).setLogTerm(11).setIndex(11).build());
    List<Message> msgs = readMessages(n2);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgVoteResp);
    assertThat(msgs.get(0).getReject()).isFalse();
  }

  /** Each node in turn can campaign and win, the others following. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void leaderCycle(boolean preVote) {
    Network n = Network.withConfig(preVote ? PRE_VOTE : null, null, null, null);
    for (long campaigner = 1; campaigner <= 3; campaigner++) {
      n.send(hup(campaigner));
      for (long id = 1; id <= 3; id++) {
        Raft sm = n.raft(id);
        assertThat(sm.state)
            .as("campaigner %d, node %d", campaigner, id)
            .isEqualTo(id == campaigner ? StateType.STATE_LEADER : StateType.STATE_FOLLOWER);
      }
    }
  }

  /** A newly elected leader overwrites uncommitted entries of a term it did not see. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void leaderElectionOverwriteNewerLogs(boolean preVote) {
    Consumer<Config> cfg = preVote ? PRE_VOTE : null;
    Network n =
        Network.withConfig(
            cfg,
            entsWithConfig(1, cfg, 1), // won the first election
            entsWithConfig(2, cfg, 1), // got the logs from node 1
            entsWithConfig(3, cfg, 2), // won the second election
            votedWithConfig(4, cfg, 3, 2), // voted but did not get the logs
            votedWithConfig(5, cfg, 3, 2)); // voted but did not get the logs

    // Node 1 campaigns: 3 rejects (newer log), 4 and 5 reject (voted for 3 in term 2); node 1
    // steps down at term 2.
    n.send(hup(1));
    Raft sm1 = n.raft(1);
    assertThat(sm1.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(sm1.term).isEqualTo(2);

    // Again: at term 3 it wins with 1, 2, 4, 5 and overwrites node 3's entry.
    n.send(hup(1));
    assertThat(sm1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(sm1.term).isEqualTo(3);
    for (long id = 1; id <= 5; id++) {
      List<Entry> entries = n.raft(id).raftLog.allEntries();
      assertThat(entries).as("node %d", id).hasSize(2);
      assertThat(entries.get(0).getTerm()).isEqualTo(1);
      assertThat(entries.get(1).getTerm()).isEqualTo(3);
    }
  }

  /** Two candidates: the one with the more up-to-date log wins; the other concedes. */
  @Test
  void duelingCandidates() {
    Raft a = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft b = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft c = newTestRaft(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Network nt = Network.withConfig(null, a, b, c);
    nt.cut(1, 3);
    nt.send(hup(1));
    nt.send(hup(3));
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(c.state).isEqualTo(StateType.STATE_CANDIDATE);

    nt.recover();
    // Candidate 3 campaigns again at term 2: 1 and 2 reject (3's log is behind), so it steps
    // down, and the old leader learns of term 2 and steps down too.
    nt.send(hup(3));
    assertThat(c.state).isEqualTo(StateType.STATE_FOLLOWER);
    record Want(Raft sm, StateType state, long term, long lastIndex) {}
    for (Want w :
        List.of(
            new Want(a, StateType.STATE_FOLLOWER, 2, 1),
            new Want(b, StateType.STATE_FOLLOWER, 2, 1),
            new Want(c, StateType.STATE_FOLLOWER, 2, 0))) {
      assertThat(w.sm().state).isEqualTo(w.state());
      assertThat(w.sm().term).isEqualTo(w.term());
      assertThat(w.sm().raftLog.lastIndex()).isEqualTo(w.lastIndex());
    }
  }

  /**
   * Two pre-candidates: the one with the less up-to-date log loses its pre-vote and, unlike a real
   * candidate, never raises its term, so the leader elected meanwhile is not disrupted.
   */
  @Test
  void duelingPreCandidates() {
    Raft a =
        new Raft(
            newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3))).setPreVote(true));
    Raft b =
        new Raft(
            newTestConfig(2, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3))).setPreVote(true));
    Raft c =
        new Raft(
            newTestConfig(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3))).setPreVote(true));
    Network nt = Network.withConfig(null, a, b, c);
    nt.cut(1, 3);
    nt.send(hup(1));
    nt.send(hup(3));
    // 1 wins with the votes of 1 and 2; 3's pre-vote is rejected and it returns to follower.
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(c.state).isEqualTo(StateType.STATE_FOLLOWER);

    nt.recover();
    // 3 campaigns again; its log is behind, so its pre-vote fails and no term changes.
    nt.send(hup(3));
    record Want(Raft sm, StateType state, long term, long lastIndex) {}
    for (Want w :
        List.of(
            new Want(a, StateType.STATE_LEADER, 1, 1),
            new Want(b, StateType.STATE_FOLLOWER, 1, 1),
            new Want(c, StateType.STATE_FOLLOWER, 1, 0))) {
      assertThat(w.sm().state).as("node %d", w.sm().id).isEqualTo(w.state());
      assertThat(w.sm().term).as("node %d", w.sm().id).isEqualTo(w.term());
      assertThat(w.sm().raftLog.lastIndex()).as("node %d", w.sm().id).isEqualTo(w.lastIndex());
    }
  }

  /** An isolated candidate concedes to the leader elected meanwhile and takes its log. */
  @Test
  void candidateConcede() {
    Network tt = Network.of(3);
    tt.isolate(1);
    tt.send(hup(1));
    tt.send(hup(3));
    tt.recover();
    tt.send(msg(3, 3, MessageType.MsgBeat).build());
    tt.send(msg(3, 3, MessageType.MsgProp).addEntries(data("force follower")).build());
    tt.send(msg(3, 3, MessageType.MsgBeat).build());

    Raft a = tt.raft(1);
    assertThat(a.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(a.term).isEqualTo(1);
    List<Entry> want =
        List.of(
            Entry.newBuilder().setTerm(1).setIndex(1).build(),
            Entry.newBuilder()
                .setTerm(1)
                .setIndex(2)
                .setData(RaftTestUtil.bytes("force follower"))
                .build());
    for (long id = 1; id <= 3; id++) {
      assertThat(tt.raft(id).raftLog.allEntries()).as("node %d", id).isEqualTo(want);
      assertThat(tt.raft(id).raftLog.committed()).as("node %d", id).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void singleNodeCandidate(boolean preVote) {
    Network tt = Network.withConfig(preVote ? PRE_VOTE : null, (Object) null);
    tt.send(hup(1));
    assertThat(tt.raft(1).state).isEqualTo(StateType.STATE_LEADER);
  }

  /**
   * With check-quorum, a leader that hears from a quorum during an election timeout stays leader
   * (etcd's LeaderStepdownWhenQuorumActive); one that hears from nobody steps down
   * (LeaderStepdownWhenQuorumLost).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void leaderStepdownWhenQuorum(boolean quorumActive) {
    Raft sm =
        new Raft(
            newTestConfig(1, 5, 1, newTestMemoryStorage(withPeers(1, 2, 3))).setCheckQuorum(true));
    sm.becomeCandidate();
    sm.becomeLeader();
    for (int i = 0; i < sm.electionTimeout + 1; i++) {
      if (quorumActive) {
        sm.step(msg(2, 0, MessageType.MsgHeartbeatResp).setTerm(sm.term).build());
      }
      sm.tick();
    }
    assertThat(sm.state)
        .isEqualTo(quorumActive ? StateType.STATE_LEADER : StateType.STATE_FOLLOWER);
  }

  /**
   * Three check-quorum nodes; node 1 is elected while node 2's election timer is one tick short of
   * its timeout.
   */
  private static Network checkQuorumTrioLedByOne() {
    Raft[] rs = new Raft[3];
    for (int i = 0; i < 3; i++) {
      rs[i] =
          new Raft(
              newTestConfig(i + 1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
                  .setCheckQuorum(true));
    }
    Network nt = Network.withConfig(null, rs[0], rs[1], rs[2]);
    Raft b = rs[1];
    b.setRandomizedElectionTimeout(b.electionTimeout + 1);
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    nt.send(hup(1));
    return nt;
  }

  /** Voters in their leader lease ignore a disruptive candidate until the lease expires. */
  @Test
  void leaderSupersedingWithCheckQuorum() {
    Network nt = checkQuorumTrioLedByOne();
    Raft a = nt.raft(1);
    Raft b = nt.raft(2);
    Raft c = nt.raft(3);
    assertThat(a.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(c.state).isEqualTo(StateType.STATE_FOLLOWER);

    nt.send(hup(3));
    // Peer b rejected c's vote since its electionElapsed had not reached the timeout.
    assertThat(c.state).isEqualTo(StateType.STATE_CANDIDATE);

    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    nt.send(hup(3));
    assertThat(c.state).isEqualTo(StateType.STATE_LEADER);
  }

  /** A candidate stuck at a higher term is freed: the leader's term catches up. */
  @Test
  void freeStuckCandidateWithCheckQuorum() {
    Network nt = checkQuorumTrioLedByOne();
    Raft a = nt.raft(1);
    Raft b = nt.raft(2);
    Raft c = nt.raft(3);
    nt.isolate(1);
    nt.send(hup(3));
    assertThat(b.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(c.state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(c.term).isEqualTo(b.term + 1);

    // Vote again for safety.
    nt.send(hup(3));
    assertThat(b.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(c.state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(c.term).isEqualTo(b.term + 2);

    nt.recover();
    nt.send(msg(1, 3, MessageType.MsgHeartbeat).setTerm(a.term).build());
    // Disrupt the leader so that the stuck peer is freed.
    assertThat(a.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(c.term).isEqualTo(a.term);

    // Vote again, should become leader this time.
    nt.send(hup(3));
    assertThat(c.state).isEqualTo(StateType.STATE_LEADER);
  }

  /** With pre-vote, a split vote resolves in the next round without term inflation. */
  @Test
  void preVoteWithSplitVote() {
    Raft[] rs = new Raft[3];
    for (int i = 0; i < 3; i++) {
      rs[i] =
          new Raft(
              newTestConfig(i + 1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
                  .setPreVote(true));
      rs[i].becomeFollower(1, RaftConstants.NONE);
    }
    Network nt = Network.withConfig(null, rs[0], rs[1], rs[2]);
    nt.send(hup(1));

    // Simulate the leader down: 2 and 3 start elections at the same time.
    nt.isolate(1);
    nt.send(hup(2), hup(3));
    assertThat(nt.raft(2).term).isEqualTo(3);
    assertThat(nt.raft(3).term).isEqualTo(3);
    assertThat(nt.raft(2).state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(nt.raft(3).state).isEqualTo(StateType.STATE_CANDIDATE);

    // Node 2's election times out first.
    nt.send(hup(2));
    assertThat(nt.raft(2).term).isEqualTo(4);
    assertThat(nt.raft(3).term).isEqualTo(4);
    assertThat(nt.raft(2).state).isEqualTo(StateType.STATE_LEADER);
    assertThat(nt.raft(3).state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  /** A vote request of a newer term is granted from any role; only a real vote changes state. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("voteFromAnyStateCases")
  void voteFromAnyState(MessageType vt, StateType st) {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    r.term = 1;
    switch (st) {
      case STATE_FOLLOWER -> r.becomeFollower(r.term, 3);
      case STATE_PRE_CANDIDATE -> r.becomePreCandidate();
      case STATE_CANDIDATE -> r.becomeCandidate();
      case STATE_LEADER -> {
        r.becomeCandidate();
        r.becomeLeader();
      }
    }
    // Note that setting our state above may have advanced r.term past its initial value.
    long origTerm = r.term;
    long newTerm = r.term + 1;
    r.step(msg(2, 1, vt).setTerm(newTerm).setLogTerm(newTerm).setIndex(42).build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(Messages.voteRespMsgType(vt));
    assertThat(msgs.get(0).getReject()).isFalse();
    if (vt == MessageType.MsgVote) {
      // If this was a real vote, we reset our state and term.
      assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
      assertThat(r.term).isEqualTo(newTerm);
      assertThat(r.vote).isEqualTo(2);
    } else {
      // In a pre-vote, nothing changes.
      assertThat(r.state).isEqualTo(st);
      assertThat(r.term).isEqualTo(origTerm);
      // If st == follower or pre-candidate, r hasn't voted yet; as candidate it voted for itself.
      assertThat(r.vote == RaftConstants.NONE || r.vote == 1).isTrue();
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments>
      voteFromAnyStateCases() {
    return java.util.stream.Stream.of(MessageType.MsgVote, MessageType.MsgPreVote)
        .flatMap(
            vt ->
                java.util.Arrays.stream(StateType.values())
                    .map(st -> org.junit.jupiter.params.provider.Arguments.of(vt, st)));
  }

  /** A node outside the configuration ignores MsgTimeoutNow and cannot win with stray votes. */
  @Test
  void transferNonMember() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(2, 3, 4)));
    r.step(msg(2, 1, MessageType.MsgTimeoutNow).build());
    r.step(msg(2, 1, MessageType.MsgVoteResp).build());
    r.step(msg(3, 1, MessageType.MsgVoteResp).build());
    assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  /** A learner does not campaign, not on MsgHup and not on MsgTimeoutNow. */
  @Test
  void learnerCampaign() {
    io.raftj.raft.raftpb.ConfChangeV2 addLearner2 =
        ConfChangeI.of(
                ConfChange.newBuilder()
                    .setNodeId(2)
                    .setType(ConfChangeType.ConfChangeAddLearnerNode)
                    .build())
            .asV2();
    Raft n1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    n1.applyConfChange(addLearner2);
    Raft n2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1)));
    n2.applyConfChange(addLearner2);
    Network nt = Network.withConfig(null, n1, n2);
    nt.send(hup(2));
    assertThat(n2.isLearner).isTrue();
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);

    nt.send(hup(1));
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n1.lead).isEqualTo(1);

    // NB: TransferLeader already checks that the recipient is not a learner, but the check
    // could have happened by the time the recipient becomes a learner, in which case it will
    // receive MsgTimeoutNow as in this test case and we verify that it's ignored.
    nt.send(msg(1, 2, MessageType.MsgTimeoutNow).build());
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  /**
   * With check-quorum, a follower whose election timer fires campaigns at a higher term and, once
   * it hears the leader's heartbeat, disrupts it: the leader steps down (thesis §9.6 motivation).
   */
  @Test
  void disruptiveFollower() {
    Raft[] rs = new Raft[3];
    for (int i = 0; i < 3; i++) {
      rs[i] =
          new Raft(
              newTestConfig(i + 1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
                  .setCheckQuorum(true));
      rs[i].becomeFollower(1, RaftConstants.NONE);
    }
    Raft n1 = rs[0];
    Raft n2 = rs[1];
    Raft n3 = rs[2];
    Network nt = Network.withConfig(null, n1, n2, n3);
    nt.send(hup(1));
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.state).isEqualTo(StateType.STATE_FOLLOWER);

    // Node 3's election timer fires (its messages are not delivered: we tick it directly).
    n3.setRandomizedElectionTimeout(n3.electionTimeout + 2);
    for (int i = 0; i < n3.randomizedElectionTimeout - 1; i++) {
      n3.tick();
    }
    n3.tick();
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(n1.term).isEqualTo(2);
    assertThat(n2.term).isEqualTo(2);
    assertThat(n3.term).isEqualTo(3);

    // The leader's heartbeat reaches n3, whose stale-term reply makes the leader step down.
    nt.send(msg(1, 3, MessageType.MsgHeartbeat).setTerm(n1.term).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n3.state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(n1.term).isEqualTo(3);
    assertThat(n2.term).isEqualTo(2);
    assertThat(n3.term).isEqualTo(3);
  }

  /** Messages from old terms are ignored; the logs converge on the newest leader's. */
  @Test
  void oldMessages() {
    Network tt = Network.of(3);
    // Make 1 leader at term 3.
    tt.send(hup(1));
    tt.send(hup(2));
    tt.send(hup(1));
    // Pretend we're an old leader trying to make progress; this entry is expected to be ignored.
    tt.send(
        msg(2, 1, MessageType.MsgApp)
            .setTerm(2)
            .addAllEntries(TestEntries.index(3).terms(2))
            .build());
    // Commit a new entry.
    tt.send(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
    List<Entry> want = new java.util.ArrayList<>(TestEntries.index(1).terms(1, 2, 3));
    want.add(
        Entry.newBuilder().setTerm(3).setIndex(4).setData(RaftTestUtil.bytes("somedata")).build());
    for (long id = 1; id <= 3; id++) {
      assertThat(tt.raft(id).raftLog.allEntries()).as("node %d", id).isEqualTo(want);
      assertThat(tt.raft(id).raftLog.committed()).isEqualTo(4);
    }
  }

  /** A learner gets the log replicated and committed, without counting toward the quorum. */
  @Test
  void learnerLogReplication() {
    Raft n1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    Raft n2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    Network nt = Network.withConfig(null, n1, n2);
    n1.becomeFollower(1, RaftConstants.NONE);
    n2.becomeFollower(1, RaftConstants.NONE);
    n1.setRandomizedElectionTimeout(n1.electionTimeout);
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }
    advanceMessagesAfterAppend(n1);
    nt.send(msg(1, 1, MessageType.MsgBeat).build());
    // n1 is leader and n2 is learner.
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.isLearner).isTrue();

    nt.send(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
    assertThat(n1.raftLog.committed()).isEqualTo(2);
    assertThat(n2.raftLog.committed()).isEqualTo(n1.raftLog.committed());
    assertThat(n1.trk.progress().get(2).match()).isEqualTo(n2.raftLog.committed());
  }
}
