package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withLearners;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import org.junit.jupiter.api.Test;

/**
 * Ports etcd's raft_test.go tests of snapshot restore across configurations (joint configs,
 * promotions and demotions) and of the leader withholding snapshots from inactive followers.
 */
final class RaftRestoreTest {

  /** etcd's test snapshot: index 11, term 11 (magic numbers) and the given configuration. */
  private static Snapshot snap(ConfState.Builder cs) {
    return Snapshot.newBuilder()
        .setMetadata(SnapshotMetadata.newBuilder().setIndex(11).setTerm(11).setConfState(cs))
        .build();
  }

  private static ConfState.Builder voters(long... ids) {
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id : ids) {
      cs.addVoters(id);
    }
    return cs;
  }

  private static void assertRestoredPosition(Raft sm, Snapshot s) {
    assertThat(sm.raftLog.lastIndex()).isEqualTo(s.getMetadata().getIndex());
    assertThat(sm.raftLog.term(s.getMetadata().getIndex())).isEqualTo(s.getMetadata().getTerm());
  }

  /** A node in the outgoing half of a joint configuration restores it. */
  @Test
  void restoreWithVotersOutgoing() {
    Snapshot s =
        snap(voters(2, 3, 4).addVotersOutgoing(1).addVotersOutgoing(2).addVotersOutgoing(3));
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    assertThat(sm.restore(s)).isTrue();

    assertRestoredPosition(sm, s);
    assertThat(sm.trk.voterNodes()).containsExactly(1, 2, 3, 4);

    assertThat(sm.restore(s)).isFalse();
    for (int i = 0; i < sm.randomizedElectionTimeout; i++) {
      sm.tick();
    }
    assertThat(sm.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  /**
   * A voter accepts a snapshot that makes it a learner: the snapshot may fold a removal and a
   * re-add as learner into one, and refusing it would cut the node off the log for good.
   */
  @Test
  void restoreVoterToLearner() {
    Snapshot s = snap(voters(1, 2).addLearners(3));
    Raft sm = newTestRaft(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    assertThat(sm.isLearner).isFalse();
    assertThat(sm.restore(s)).isTrue();
    assertThat(sm.isLearner).isTrue();
  }

  /** A learner restoring a snapshot that lists it as voter becomes a voter. */
  @Test
  void restoreLearnerPromotion() {
    Snapshot s = snap(voters(1, 2, 3));
    Raft sm = newTestRaft(3, 10, 1, newTestMemoryStorage(withPeers(1, 2), withLearners(3)));
    assertThat(sm.isLearner).isTrue();
    assertThat(sm.restore(s)).isTrue();
    assertThat(sm.isLearner).isFalse();
  }

  /** No snapshot is sent to a follower that has not been recently active. */
  @Test
  void ignoreProvidingSnap() {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    sm.restore(snap(voters(1, 2)));
    sm.becomeCandidate();
    sm.becomeLeader();
    // Node 2 needs entries the leader only has in its snapshot, but is inactive.
    sm.trk.progress().get(2).setNext(sm.raftLog.firstIndex() - 1);
    sm.trk.progress().get(2).setRecentActive(false);

    sm.step(RaftTestSupport.prop(1, 1, "somedata"));
    assertThat(readMessages(sm)).isEmpty();
  }
}
