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
import io.raftj.raft.tracker.Progress;
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
}
