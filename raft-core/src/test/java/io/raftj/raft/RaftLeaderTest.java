package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.mustAppendEntry;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.internal.Describe;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.raft.tracker.ProgressState;
import io.raftj.raft.tracker.internal.Progress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's leader-side tests of append responses and heartbeats (raft_test.go). */
final class RaftLeaderTest {

  /** A 3-node leader with entries 1/1 and 1/2 in its storage, at term 2 after the election. */
  private static Raft leaderOverTwoEntries() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2, 3));
    s.append(index(1).terms(1, 1));
    Raft sm = newTestRaft(1, 10, 1, s);
    sm.becomeCandidate();
    sm.becomeLeader();
    readMessages(sm);
    return sm;
  }

  record AppRespCase(
      long index,
      boolean reject,
      long wantMatch,
      long wantNext,
      int wantMsgNum,
      long wantIndex,
      long wantCommitted) {}

  static List<AppRespCase> leaderAppRespCases() {
    return List.of(
        // Stale response: no replies.
        new AppRespCase(3, true, 0, 3, 0, 0, 0),
        // Denied: the leader does not commit, decreases next and probes.
        new AppRespCase(2, true, 0, 2, 1, 1, 0),
        // Accepted: the leader commits and broadcasts the commit index.
        new AppRespCase(2, false, 2, 4, 2, 2, 2),
        // Ack of an empty append.
        new AppRespCase(0, false, 0, 4, 1, 0, 0));
  }

  @ParameterizedTest
  @MethodSource("leaderAppRespCases")
  void leaderAppResp(AppRespCase tt) {
    Raft sm = leaderOverTwoEntries();
    sm.step(
        msg(2, 0, MessageType.MsgAppResp)
            .setIndex(tt.index())
            .setTerm(sm.term)
            .setReject(tt.reject())
            .setRejectHint(tt.index())
            .build());
    Progress p = sm.trk.progress().get(2);
    assertThat(p.match()).isEqualTo(tt.wantMatch());
    assertThat(p.next()).isEqualTo(tt.wantNext());
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(tt.wantMsgNum());
    for (Message m : msgs) {
      assertThat(m.getIndex()).as(Describe.describeMessage(m, null)).isEqualTo(tt.wantIndex());
      assertThat(m.getCommit()).as(Describe.describeMessage(m, null)).isEqualTo(tt.wantCommitted());
    }
  }

  /** Heartbeats carry the commit index capped at each follower's match, and nothing else. */
  @Test
  void bcastBeat() {
    long offset = 1000;
    MemoryStorage storage = new MemoryStorage(RaftLogger.discard());
    storage.applySnapshot(
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(offset)
                    .setTerm(1)
                    .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)))
            .build());
    Raft sm = newTestRaft(1, 10, 1, storage);
    sm.term = 1;
    sm.becomeCandidate();
    sm.becomeLeader();
    for (int i = 0; i < 10; i++) {
      mustAppendEntry(sm, Entry.newBuilder().setIndex(i + 1).build());
    }
    RaftTestUtil.advanceMessagesAfterAppend(sm);
    // Slow follower.
    sm.trk.progress().get(2).setMatch(5);
    sm.trk.progress().get(2).setNext(6);
    // Normal follower.
    sm.trk.progress().get(3).setMatch(sm.raftLog.lastIndex());
    sm.trk.progress().get(3).setNext(sm.raftLog.lastIndex() + 1);

    sm.step(Message.newBuilder().setType(MessageType.MsgBeat).build());
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(2);
    Map<Long, Long> wantCommit = new HashMap<>();
    wantCommit.put(2L, Math.min(sm.raftLog.committed(), 5));
    wantCommit.put(3L, Math.min(sm.raftLog.committed(), sm.raftLog.lastIndex()));
    for (Message m : msgs) {
      assertThat(m.getType()).isEqualTo(MessageType.MsgHeartbeat);
      assertThat(m.getIndex()).isZero();
      assertThat(m.getLogTerm()).isZero();
      assertThat(wantCommit).containsKey(m.getTo());
      assertThat(m.getCommit()).isEqualTo(wantCommit.remove(m.getTo()));
      assertThat(m.getEntriesList()).isEmpty();
    }
  }

  /** Only the leader answers MsgBeat with heartbeats. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "STATE_LEADER, 2",
    "STATE_CANDIDATE, 0",
    "STATE_FOLLOWER, 0"
  })
  void recvMsgBeat(StateType state, int wantMsgs) {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2, 3));
    s.append(index(1).terms(1, 1));
    Raft sm = newTestRaft(1, 10, 1, s);
    sm.term = 1;
    sm.state = state;
    sm.step(msg(1, 1, MessageType.MsgBeat).build());
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(wantMsgs);
    assertThat(msgs).allMatch(m -> m.getType() == MessageType.MsgHeartbeat);
  }

  /** Replicating followers' Next moves with each send; probed ones' does not. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"STATE_REPLICATE, 2, 6", "STATE_PROBE, 2, 2"})
  void leaderIncreaseNext(ProgressState state, long next, long wantNext) {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    sm.raftLog.append(index(1).terms(1, 2, 3));
    sm.becomeCandidate();
    sm.becomeLeader();
    Progress pr = sm.trk.progress().get(2);
    pr.resetState(state);
    pr.setNext(next);
    sm.step(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
    // In StateReplicate: previous entries + noop entry + proposal, plus one.
    assertThat(pr.next()).isEqualTo(wantNext);
  }

  /** An ack ends a probe round: the next proposal goes out to that follower at once. */
  @Test
  void msgAppRespWaitReset() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2, 3));
    Raft sm = newTestRaft(1, 5, 1, s);
    sm.becomeCandidate();
    sm.becomeLeader();
    // Run n1 which includes sending the noop and its self-ack.
    nextEnts(sm, s);

    // Node 2 acks the first entry, making it committed.
    sm.step(msg(2, 0, MessageType.MsgAppResp).setIndex(1).build());
    assertThat(sm.raftLog.committed()).isEqualTo(1);
    // Also consume the MsgApp messages that update Commit on the followers.
    readMessages(sm);

    // A new command is now proposed on node 1.
    sm.step(msg(1, 0, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());

    // The command is broadcast to all nodes not in the wait state. Node 2 left the wait state
    // due to its MsgAppResp, but node 3 is still waiting.
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);
    assertThat(msgs.get(0).getTo()).isEqualTo(2);
    assertThat(msgs.get(0).getEntriesList()).hasSize(1);
    assertThat(msgs.get(0).getEntries(0).getIndex()).isEqualTo(2);

    // Now node 3 acks the first entry. This releases the wait and entry 2 is sent.
    sm.step(msg(3, 0, MessageType.MsgAppResp).setIndex(1).build());
    msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);
    assertThat(msgs.get(0).getTo()).isEqualTo(3);
    assertThat(msgs.get(0).getEntriesList()).hasSize(1);
    assertThat(msgs.get(0).getEntries(0).getIndex()).isEqualTo(2);
  }
}
