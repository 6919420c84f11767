package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.advanceMessagesAfterAppend;
import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports etcd's role-transition, step-down, vote-granting and progress tests (raft_test.go). */
final class RaftStateTest {

  record Transition(
      StateType from, StateType to, boolean wantAllow, long wantTerm, long wantLead) {}

  static List<Transition> stateTransitionCases() {
    StateType f = StateType.STATE_FOLLOWER;
    StateType p = StateType.STATE_PRE_CANDIDATE;
    StateType c = StateType.STATE_CANDIDATE;
    StateType l = StateType.STATE_LEADER;
    return List.of(
        new Transition(f, f, true, 1, RaftConstants.NONE),
        new Transition(f, p, true, 0, RaftConstants.NONE),
        new Transition(f, c, true, 1, RaftConstants.NONE),
        new Transition(f, l, false, 0, RaftConstants.NONE),
        new Transition(p, f, true, 0, RaftConstants.NONE),
        new Transition(p, p, true, 0, RaftConstants.NONE),
        new Transition(p, c, true, 1, RaftConstants.NONE),
        new Transition(p, l, true, 0, 1),
        new Transition(c, f, true, 0, RaftConstants.NONE),
        new Transition(c, p, true, 0, RaftConstants.NONE),
        new Transition(c, c, true, 1, RaftConstants.NONE),
        new Transition(c, l, true, 0, 1),
        new Transition(l, f, true, 1, RaftConstants.NONE),
        new Transition(l, p, false, 0, RaftConstants.NONE),
        new Transition(l, c, false, 1, RaftConstants.NONE),
        new Transition(l, l, true, 0, 1));
  }

  /** Only the transitions Raft allows succeed; the others are broken invariants. */
  @ParameterizedTest
  @MethodSource("stateTransitionCases")
  void stateTransition(Transition tt) {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    sm.state = tt.from();
    Runnable become =
        switch (tt.to()) {
          case STATE_FOLLOWER -> () -> sm.becomeFollower(tt.wantTerm(), tt.wantLead());
          case STATE_PRE_CANDIDATE -> sm::becomePreCandidate;
          case STATE_CANDIDATE -> sm::becomeCandidate;
          case STATE_LEADER -> sm::becomeLeader;
        };
    if (!tt.wantAllow()) {
      assertThatThrownBy(become::run).isInstanceOf(IllegalStateException.class);
      return;
    }
    become.run();
    assertThat(sm.term).isEqualTo(tt.wantTerm());
    assertThat(sm.lead).isEqualTo(tt.wantLead());
  }

  /** Every role steps down to follower on a message of a higher term. */
  @ParameterizedTest
  @EnumSource(StateType.class)
  void allServerStepdown(StateType state) {
    long wantIndex = state == StateType.STATE_LEADER ? 1 : 0;
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    switch (state) {
      case STATE_FOLLOWER -> sm.becomeFollower(1, RaftConstants.NONE);
      case STATE_PRE_CANDIDATE -> sm.becomePreCandidate();
      case STATE_CANDIDATE -> sm.becomeCandidate();
      case STATE_LEADER -> {
        sm.becomeCandidate();
        sm.becomeLeader();
      }
    }
    for (MessageType type : List.of(MessageType.MsgVote, MessageType.MsgApp)) {
      sm.step(msg(2, 0, type).setTerm(3).setLogTerm(3).build());
      assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);
      assertThat(sm.term).isEqualTo(3);
      assertThat(sm.raftLog.lastIndex()).isEqualTo(wantIndex);
      assertThat(sm.raftLog.allEntries()).hasSize((int) wantIndex);
      // A vote request says nothing about the leader; an append names it.
      assertThat(sm.lead).isEqualTo(type == MessageType.MsgVote ? RaftConstants.NONE : 2);
    }
  }

  record VoteCase(StateType state, long index, long logTerm, long voteFor, boolean wantReject) {}

  static List<VoteCase> recvMsgVoteCases() {
    StateType f = StateType.STATE_FOLLOWER;
    return List.of(
        new VoteCase(f, 0, 0, RaftConstants.NONE, true),
        new VoteCase(f, 0, 1, RaftConstants.NONE, true),
        new VoteCase(f, 0, 2, RaftConstants.NONE, true),
        new VoteCase(f, 0, 3, RaftConstants.NONE, false),
        new VoteCase(f, 1, 0, RaftConstants.NONE, true),
        new VoteCase(f, 1, 1, RaftConstants.NONE, true),
        new VoteCase(f, 1, 2, RaftConstants.NONE, true),
        new VoteCase(f, 1, 3, RaftConstants.NONE, false),
        new VoteCase(f, 2, 0, RaftConstants.NONE, true),
        new VoteCase(f, 2, 1, RaftConstants.NONE, true),
        new VoteCase(f, 2, 2, RaftConstants.NONE, false),
        new VoteCase(f, 2, 3, RaftConstants.NONE, false),
        new VoteCase(f, 3, 0, RaftConstants.NONE, true),
        new VoteCase(f, 3, 1, RaftConstants.NONE, true),
        new VoteCase(f, 3, 2, RaftConstants.NONE, false),
        new VoteCase(f, 3, 3, RaftConstants.NONE, false),
        new VoteCase(f, 3, 2, 2, false),
        new VoteCase(f, 3, 2, 1, true),
        new VoteCase(StateType.STATE_LEADER, 3, 3, 1, true),
        new VoteCase(StateType.STATE_PRE_CANDIDATE, 3, 3, 1, true),
        new VoteCase(StateType.STATE_CANDIDATE, 3, 3, 1, true));
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> recvMsgVoteArgs() {
    return java.util.stream.Stream.of(MessageType.MsgVote, MessageType.MsgPreVote)
        .flatMap(
            t ->
                recvMsgVoteCases().stream()
                    .map(c -> org.junit.jupiter.params.provider.Arguments.of(t, c)));
  }

  /**
   * A (pre-)vote is granted to an up-to-date candidate if no other vote was cast in the term
   * (etcd's RecvMsgVote and RecvMsgPreVote).
   */
  @ParameterizedTest
  @MethodSource("recvMsgVoteArgs")
  void recvMsgVote(MessageType msgType, VoteCase tt) {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    s.append(index(1).terms(2, 2));
    Raft sm = newTestRaft(1, 10, 1, s);
    sm.state = tt.state();
    sm.vote = tt.voteFor();
    long term = Math.max(sm.raftLog.lastEntryID().term(), tt.logTerm());
    sm.term = term;
    sm.step(msg(2, 0, msgType).setTerm(term).setIndex(tt.index()).setLogTerm(tt.logTerm()).build());
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(Messages.voteRespMsgType(msgType));
    assertThat(msgs.get(0).getReject()).isEqualTo(tt.wantReject());
  }

  /** The leader's own progress advances only once its entries are durable. */
  @Test
  void progressLeader() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    r.trk.progress().get(2).becomeReplicate();
    Message propMsg = msg(1, 1, MessageType.MsgProp).addEntries(data("foo")).build();
    for (int i = 0; i < 5; i++) {
      r.step(propMsg);
    }
    assertThat(r.trk.progress().get(1).match()).isZero();
    List<Entry> ents = r.raftLog.nextUnstableEnts();
    assertThat(ents).hasSize(6);
    assertThat(ents.get(0).getData().isEmpty()).isTrue();
    assertThat(ents.get(5).getData().toStringUtf8()).isEqualTo("foo");

    advanceMessagesAfterAppend(r);
    assertThat(r.trk.progress().get(1).match()).isEqualTo(6);
    assertThat(r.trk.progress().get(1).next()).isEqualTo(7);
  }

  /** A heartbeat response unpauses a probed follower; a heartbeat does not. */
  @Test
  void progressResumeByHeartbeatResp() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    r.trk.progress().get(2).setMsgAppFlowPaused(true);
    r.step(msg(1, 1, MessageType.MsgBeat).build());
    assertThat(r.trk.progress().get(2).msgAppFlowPaused()).isTrue();

    r.trk.progress().get(2).becomeReplicate();
    assertThat(r.trk.progress().get(2).msgAppFlowPaused()).isFalse();
    r.trk.progress().get(2).setMsgAppFlowPaused(true);
    r.step(msg(2, 1, MessageType.MsgHeartbeatResp).build());
    assertThat(r.trk.progress().get(2).msgAppFlowPaused()).isFalse();
  }

  /** A probed follower gets one append until it answers. */
  @Test
  void progressPaused() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    for (int i = 0; i < 3; i++) {
      r.step(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
    }
    assertThat(readMessages(r)).hasSize(1);
  }

  /** A node with committed but unapplied conf changes does not campaign, not even on transfer. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void confChangeCheckBeforeCampaign(boolean v2) {
    Network nt = Network.of(3);
    Raft n1 = nt.raft(1);
    Raft n2 = nt.raft(2);
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);

    // Begin to remove the third node.
    ConfChangeI cc =
        ConfChangeI.of(
            ConfChange.newBuilder()
                .setType(ConfChangeType.ConfChangeRemoveNode)
                .setNodeId(2)
                .build());
    if (v2) {
      cc = ConfChangeI.of(cc.asV2());
    }
    nt.send(
        msg(1, 1, MessageType.MsgProp)
            .addEntries(Entry.newBuilder().setType(cc.entryType()).setData(cc.marshal()))
            .build());

    // Trigger a campaign on node 2: it must not campaign with the conf change unapplied.
    for (int i = 0; i < n2.randomizedElectionTimeout; i++) {
      n2.tick();
    }
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);

    // Transfer leadership to node 2: refused for the same reason.
    nt.send(msg(2, 1, MessageType.MsgTransferLeader).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).isEqualTo(StateType.STATE_FOLLOWER);

    // Abort the transfer, apply the conf change on node 2, and transfer again: it campaigns.
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }
    nextEnts(n2, nt.storage.get(2L));
    nt.send(msg(2, 1, MessageType.MsgTransferLeader).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n2.state).isEqualTo(StateType.STATE_LEADER);

    // Node 1 has the conf change applied once it catches up, and can campaign again.
    nextEnts(n1, nt.storage.get(1L));
    for (int i = 0; i < n1.randomizedElectionTimeout; i++) {
      n1.tick();
    }
    assertThat(n1.state).isEqualTo(StateType.STATE_CANDIDATE);
  }
}
