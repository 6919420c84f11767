package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.mustAppendEntry;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.tracker.ProgressState;
import io.raftj.raft.tracker.internal.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ports etcd's tests of delayed self-acknowledgements (msgsAfterAppend) and of how the leader sends
 * appends in each progress state (raft_test.go).
 */
final class RaftSelfAckTest {

  /** etcd's takeMessagesAfterAppend: the acks waiting for the log to be durable. */
  private static List<Message> takeMessagesAfterAppend(Raft r) {
    List<Message> msgs = r.msgsAfterAppend;
    r.msgsAfterAppend = new ArrayList<>();
    return msgs;
  }

  /** etcd's stepOrSend: steps self-addressed messages, queues the rest. */
  private static void stepOrSend(Raft r, List<Message> msgs) {
    for (Message m : msgs) {
      if (m.getTo() == r.id) {
        r.step(m);
      } else {
        r.msgs.add(m);
      }
    }
  }

  /** A candidate's own vote, delivered after it lost the election, does not count. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void candidateSelfVoteAfterLostElection(boolean preVote) {
    Raft sm =
        new Raft(
            newTestConfig(1, 5, 1, newTestMemoryStorage(withPeers(1, 2, 3))).setPreVote(preVote));
    // n1 calls an election; its self-vote waits for the vote to be durable.
    sm.step(msg(1, 1, MessageType.MsgHup).build());
    List<Message> steps = takeMessagesAfterAppend(sm);

    // n1 hears that n2 already won the election before it could persist its vote.
    sm.step(msg(2, 1, MessageType.MsgHeartbeat).setTerm(sm.term).build());
    assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);

    // The self-vote is delivered late: nothing changes.
    stepOrSend(sm, steps);
    assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(sm.trk.tallyVotes().granted()).isZero();
  }

  /** A late pre-vote self-ack does not count as a vote in the real election that follows. */
  @Test
  void candidateDeliversPreCandidateSelfVoteAfterBecomingCandidate() {
    Raft sm =
        new Raft(newTestConfig(1, 5, 1, newTestMemoryStorage(withPeers(1, 2, 3))).setPreVote(true));
    sm.step(msg(1, 1, MessageType.MsgHup).build());
    assertThat(sm.state).isEqualTo(StateType.STATE_PRE_CANDIDATE);
    List<Message> steps = takeMessagesAfterAppend(sm);

    // n1 receives pre-vote responses from n2 and n3 before its own, and becomes candidate.
    sm.step(msg(2, 1, MessageType.MsgPreVoteResp).setTerm(sm.term + 1).build());
    sm.step(msg(3, 1, MessageType.MsgPreVoteResp).setTerm(sm.term + 1).build());
    assertThat(sm.state).isEqualTo(StateType.STATE_CANDIDATE);

    // The late self pre-vote is ignored.
    stepOrSend(sm, steps);
    assertThat(sm.state).isEqualTo(StateType.STATE_CANDIDATE);
    steps = takeMessagesAfterAppend(sm);
    assertThat(sm.trk.tallyVotes().granted()).isZero();

    // One vote from n2 is not enough until the self-vote is durable.
    sm.step(msg(2, 1, MessageType.MsgVoteResp).setTerm(sm.term).build());
    assertThat(sm.state).isEqualTo(StateType.STATE_CANDIDATE);
    stepOrSend(sm, steps);
    assertThat(sm.state).isEqualTo(StateType.STATE_LEADER);
  }

  /** A leader's append self-ack from an old term is ignored after a term change. */
  @Test
  void leaderMsgAppSelfAckAfterTermChange() {
    Raft sm = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    sm.becomeCandidate();
    sm.becomeLeader();
    sm.step(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
    List<Message> steps = takeMessagesAfterAppend(sm);

    // A heartbeat of a higher term makes it a follower.
    sm.step(msg(2, 1, MessageType.MsgHeartbeat).setTerm(sm.term + 1).build());
    assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);

    stepOrSend(sm, steps);
    assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  private static Raft leaderWithFollower2() {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    return r;
  }

  /** In StateProbe, one append per heartbeat interval, resumed by a heartbeat response. */
  @Test
  void sendAppendForProgressProbe() {
    Raft r = leaderWithFollower2();
    Progress pr = r.trk.progress().get(2);
    pr.becomeProbe();
    // Each round is a heartbeat interval.
    for (int i = 0; i < 3; i++) {
      if (i == 0) {
        // We expect that raft will only send out one MsgApp on the first loop. After that, the
        // follower is paused until a heartbeat response is received.
        mustAppendEntry(r, data("somedata"));
        r.sendAppend(2);
        List<Message> msg = readMessages(r);
        assertThat(msg).hasSize(1);
        assertThat(msg.get(0).getIndex()).isZero();
      }
      assertThat(pr.msgAppFlowPaused()).isTrue();
      for (int j = 0; j < 10; j++) {
        mustAppendEntry(r, data("somedata"));
        r.sendAppend(2);
        assertThat(readMessages(r)).isEmpty();
      }
      // Do a heartbeat.
      for (int j = 0; j < r.heartbeatTimeout; j++) {
        r.step(msg(1, 1, MessageType.MsgBeat).build());
      }
      assertThat(pr.msgAppFlowPaused()).isTrue();
      // Consume the heartbeat.
      List<Message> msg = readMessages(r);
      assertThat(msg).hasSize(1);
      assertThat(msg.get(0).getType()).isEqualTo(MessageType.MsgHeartbeat);
    }
    // A heartbeat response allows another message to be sent.
    r.step(msg(2, 1, MessageType.MsgHeartbeatResp).build());
    List<Message> msg = readMessages(r);
    assertThat(msg).hasSize(1);
    assertThat(msg.get(0).getIndex()).isZero();
    assertThat(pr.msgAppFlowPaused()).isTrue();
  }

  /** In StateReplicate, every new entry is sent at once. */
  @Test
  void sendAppendForProgressReplicate() {
    Raft r = leaderWithFollower2();
    r.trk.progress().get(2).becomeReplicate();
    for (int i = 0; i < 10; i++) {
      mustAppendEntry(r, data("somedata"));
      r.sendAppend(2);
      assertThat(readMessages(r)).as("#%d", i).hasSize(1);
    }
  }

  /** In StateSnapshot, nothing is sent. */
  @Test
  void sendAppendForProgressSnapshot() {
    Raft r = leaderWithFollower2();
    r.trk.progress().get(2).becomeSnapshot(10);
    for (int i = 0; i < 10; i++) {
      mustAppendEntry(r, data("somedata"));
      r.sendAppend(2);
      assertThat(readMessages(r)).as("#%d", i).isEmpty();
    }
  }

  /** An unreachable replicating follower falls back to probing from Match+1. */
  @Test
  void recvMsgUnreachable() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    s.append(index(1).terms(1, 2, 3));
    Raft r = newTestRaft(1, 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    // Set node 2 to state replicate.
    Progress pr = r.trk.progress().get(2);
    pr.setMatch(3);
    pr.becomeReplicate();
    pr.setNext(6);

    r.step(msg(2, 1, MessageType.MsgUnreachable).build());
    assertThat(pr.state()).isEqualTo(ProgressState.STATE_PROBE);
    assertThat(pr.next()).isEqualTo(pr.match() + 1);
  }

  /** A follower that fell behind a compaction catches up through a snapshot. */
  @Test
  void slowNodeRestore() {
    Network nt = Network.of(3);
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    nt.isolate(3);
    for (int j = 0; j <= 100; j++) {
      nt.send(msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());
    }
    Raft lead = nt.raft(1);
    nextEnts(lead, nt.storage.get(1L));
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id : lead.trk.voterNodes()) {
      cs.addVoters(id);
    }
    nt.storage.get(1L).createSnapshot(lead.raftLog.applied(), cs.build(), null);
    nt.storage.get(1L).compact(lead.raftLog.applied());

    nt.recover();
    // Send heartbeats so that the leader can learn everyone is active.
    do {
      nt.send(msg(1, 1, MessageType.MsgBeat).build());
    } while (!lead.trk.progress().get(3).recentActive());

    // Trigger a snapshot.
    nt.send(msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());
    Raft follower = nt.raft(3);
    // Trigger a commit.
    nt.send(msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());
    assertThat(follower.raftLog.committed()).isEqualTo(lead.raftLog.committed());
  }
}
