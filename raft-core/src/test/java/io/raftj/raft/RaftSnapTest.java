package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.raft.tracker.internal.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports etcd's raft_snap_test.go: the leader's snapshot state for a follower. */
final class RaftSnapTest {

  static final Snapshot TESTING_SNAP =
      Snapshot.newBuilder()
          .setMetadata(
              SnapshotMetadata.newBuilder()
                  .setIndex(11)
                  .setTerm(11)
                  .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2)))
          .build();

  private static Raft leaderAfterRestore(long... peers) {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(peers)));
    sm.restore(TESTING_SNAP);
    sm.becomeCandidate();
    sm.becomeLeader();
    return sm;
  }

  /** A rejection that needs compacted entries moves the follower to snapshot state. */
  @Test
  void sendingSnapshotSetPendingSnapshot() {
    Raft sm = leaderAfterRestore(1);
    Progress pr = sm.trk.progress().get(2);
    pr.setNext(sm.raftLog.firstIndex());
    sm.step(msg(2, 1, MessageType.MsgAppResp).setIndex(pr.next() - 1).setReject(true).build());
    assertThat(sm.trk.progress().get(2).pendingSnapshot()).isEqualTo(11);
  }

  /** Nothing is sent to a follower waiting for a snapshot. */
  @Test
  void pendingSnapshotPauseReplication() {
    Raft sm = leaderAfterRestore(1, 2);
    sm.trk.progress().get(2).becomeSnapshot(11);
    sm.step(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
    assertThat(readMessages(sm)).isEmpty();
  }

  /** A failed snapshot clears the pending snapshot and probes from Next after a pause. */
  @Test
  void snapshotFailure() {
    Raft sm = leaderAfterRestore(1, 2);
    Progress pr = sm.trk.progress().get(2);
    pr.setNext(1);
    pr.becomeSnapshot(11);
    sm.step(msg(2, 1, MessageType.MsgSnapStatus).setReject(true).build());
    assertThat(pr.pendingSnapshot()).isZero();
    assertThat(pr.next()).isEqualTo(1);
    assertThat(pr.msgAppFlowPaused()).isTrue();
  }

  /** A successful snapshot probes from after the snapshot, after a pause. */
  @Test
  void snapshotSucceed() {
    Raft sm = leaderAfterRestore(1, 2);
    Progress pr = sm.trk.progress().get(2);
    pr.setNext(1);
    pr.becomeSnapshot(11);
    sm.step(msg(2, 1, MessageType.MsgSnapStatus).setReject(false).build());
    assertThat(pr.pendingSnapshot()).isZero();
    assertThat(pr.next()).isEqualTo(12);
    assertThat(pr.msgAppFlowPaused()).isTrue();
  }

  /** An ack at the snapshot index ends snapshot state and resumes replication at once. */
  @Test
  void snapshotAbort() {
    Raft sm = leaderAfterRestore(1, 2);
    Progress pr = sm.trk.progress().get(2);
    pr.setNext(1);
    pr.becomeSnapshot(11);
    // The follower caught up through a snapshot it got elsewhere: its ack aborts ours.
    sm.step(msg(2, 1, MessageType.MsgAppResp).setIndex(11).build());
    assertThat(pr.pendingSnapshot()).isZero();
    // The leader's empty entry at 12 went out: Next is 13, one append in flight.
    assertThat(pr.next()).isEqualTo(13);
    assertThat(pr.inflights().count()).isEqualTo(1);
  }

  private static Snapshot snap(long index, long term, long... voters) {
    ConfState.Builder cs = ConfState.newBuilder();
    for (long v : voters) {
      cs.addVoters(v);
    }
    return Snapshot.newBuilder()
        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs))
        .build();
  }

  /** A follower restores a newer snapshot: log, term and configuration; not twice. */
  @Test
  void restore() {
    Snapshot s = snap(11, 11, 1, 2, 3);
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    assertThat(sm.restore(s)).isTrue();
    assertThat(sm.raftLog.lastIndex()).isEqualTo(11);
    assertThat(sm.raftLog.term(11)).isEqualTo(11);
    assertThat(sm.trk.voterNodes()).containsExactly(1, 2, 3);

    assertThat(sm.restore(s)).isFalse();
    // The pending snapshot keeps the node from campaigning.
    for (int i = 0; i < sm.randomizedElectionTimeout; i++) {
      sm.tick();
    }
    assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  /** A snapshot the log already holds only fast-forwards the commit index. */
  @Test
  void restoreIgnoreSnapshot() {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    sm.raftLog.append(TestEntries.index(1).terms(1, 1, 1));
    sm.raftLog.commitTo(1);
    // Ignore a snapshot at the commit index.
    assertThat(sm.restore(snap(1, 1, 1, 2))).isFalse();
    assertThat(sm.raftLog.committed()).isEqualTo(1);
    // Ignore a snapshot the log has, but fast-forward the commit index.
    assertThat(sm.restore(snap(2, 1, 1, 2))).isFalse();
    assertThat(sm.raftLog.committed()).isEqualTo(2);
  }

  /** The leader sends a snapshot when the follower needs compacted entries. */
  @Test
  void provideSnap() {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    sm.restore(snap(11, 11, 1, 2));
    sm.becomeCandidate();
    sm.becomeLeader();
    // Force node 2 to need the snapshot.
    Progress pr = sm.trk.progress().get(2);
    pr.setNext(sm.raftLog.firstIndex());
    sm.step(msg(2, 1, MessageType.MsgAppResp).setIndex(pr.next() - 1).setReject(true).build());
    List<io.raftj.raft.raftpb.Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgSnap);
  }

  /** A snapshot message makes its sender the known leader. */
  @Test
  void restoreFromSnapMsg() {
    Raft sm = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    sm.step(
        io.raftj.raft.raftpb.Message.newBuilder()
            .setType(MessageType.MsgSnap)
            .setFrom(1)
            .setTerm(2)
            .setSnapshot(snap(11, 11, 1, 2))
            .build());
    assertThat(sm.lead).isEqualTo(1);
  }

  /** A snapshot's learners are restored as learners. */
  @Test
  void restoreWithLearner() {
    Snapshot s =
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(11)
                    .setTerm(11)
                    .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(3)))
            .build();
    Raft sm =
        newTestRaft(3, 8, 2, newTestMemoryStorage(withPeers(1, 2), RaftTestUtil.withLearners(3)));
    assertThat(sm.restore(s)).isTrue();
    assertThat(sm.raftLog.lastIndex()).isEqualTo(11);
    assertThat(sm.raftLog.term(11)).isEqualTo(11);
    assertThat(sm.trk.voterNodes()).containsExactly(1, 2);
    assertThat(sm.trk.learnerNodes()).containsExactly(3);
    assertThat(sm.trk.progress().get(1).isLearner()).isFalse();
    assertThat(sm.trk.progress().get(2).isLearner()).isFalse();
    assertThat(sm.trk.progress().get(3).isLearner()).isTrue();
    assertThat(sm.restore(s)).isFalse();
  }

  /** A learner catches up through a snapshot. */
  @Test
  void learnerReceiveSnapshot() {
    // Restore the state of n1 from a snapshot.
    Snapshot s =
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(11)
                    .setTerm(11)
                    .setConfState(ConfState.newBuilder().addVoters(1).addLearners(2)))
            .build();
    MemoryStorage store = newTestMemoryStorage(withPeers(1), RaftTestUtil.withLearners(2));
    Raft n1 = newTestRaft(1, 10, 1, store);
    Raft n2 =
        newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1), RaftTestUtil.withLearners(2)));
    n1.restore(s);
    Snapshot snap = n1.raftLog.nextUnstableSnapshot();
    store.applySnapshot(snap);
    n1.appliedSnap(snap);

    Network nt = Network.withConfig(null, n1, n2);
    n1.setRandomizedElectionTimeout(n1.electionTimeout);
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }
    nt.send(msg(1, 1, MessageType.MsgBeat).build());
    assertThat(n2.raftLog.committed()).isEqualTo(n1.raftLog.committed());
  }
}
