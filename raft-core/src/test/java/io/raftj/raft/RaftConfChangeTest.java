package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.mustAppendEntry;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ports the configuration-change tests of etcd's raft_test.go. */
final class RaftConfChangeTest {

  private static Message confChangeProposal() {
    return msg(1, 1, MessageType.MsgProp)
        .addEntries(Entry.newBuilder().setType(EntryType.EntryConfChange))
        .build();
  }

  private static Raft leaderOf(long... peers) {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(peers)));
    r.becomeCandidate();
    r.becomeLeader();
    return r;
  }

  /** A proposed conf change is appended and becomes the pending one. */
  @Test
  void stepConfig() {
    Raft r = leaderOf(1, 2);
    long index = r.raftLog.lastIndex();
    r.step(confChangeProposal());
    assertThat(r.raftLog.lastIndex()).isEqualTo(index + 1);
    assertThat(r.pendingConfIndex).isEqualTo(index + 1);
  }

  /** A second conf change while one is pending is replaced by an empty normal entry. */
  @Test
  void stepIgnoreConfig() {
    Raft r = leaderOf(1, 2);
    r.step(confChangeProposal());
    long index = r.raftLog.lastIndex();
    long pendingConfIndex = r.pendingConfIndex;
    r.step(confChangeProposal());
    assertThat(r.raftLog.entries(index + 1, RaftConstants.NO_LIMIT))
        .containsExactly(
            Entry.newBuilder().setType(EntryType.EntryNormal).setTerm(1).setIndex(3).build());
    assertThat(r.pendingConfIndex).isEqualTo(pendingConfIndex);
  }

  /** A new leader conservatively treats its whole uncommitted tail as a pending conf change. */
  @ParameterizedTest
  @CsvSource({"false, 0", "true, 1"})
  void newLeaderPendingConfig(boolean addEntry, long wantPendingIndex) {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    if (addEntry) {
      mustAppendEntry(r, Entry.newBuilder().setType(EntryType.EntryNormal).build());
    }
    r.becomeCandidate();
    r.becomeLeader();
    assertThat(r.pendingConfIndex).isEqualTo(wantPendingIndex);
  }

  private static void apply(Raft r, ConfChangeType type, long id) {
    r.applyConfChange(
        ConfChangeI.of(ConfChange.newBuilder().setNodeId(id).setType(type).build()).asV2());
  }

  @Test
  void addNode() {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    apply(r, ConfChangeType.ConfChangeAddNode, 2);
    assertThat(r.trk.voterNodes()).containsExactly(1, 2);
  }

  /** Removing a node works; removing the last voter is a broken invariant. */
  @Test
  void removeNode() {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    apply(r, ConfChangeType.ConfChangeRemoveNode, 2);
    assertThat(r.trk.voterNodes()).containsExactly(1);
    assertThatThrownBy(() -> apply(r, ConfChangeType.ConfChangeRemoveNode, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("removed all voters");
  }

  /** Only a voter in the configuration can campaign. */
  @Test
  void promotable() {
    record Case(long[] peers, boolean want) {}
    for (Case tt :
        List.of(
            new Case(new long[] {1}, true),
            new Case(new long[] {1, 2, 3}, true),
            new Case(new long[] {}, false),
            new Case(new long[] {2, 3}, false))) {
      Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(tt.peers())));
      assertThat(r.promotable()).isEqualTo(tt.want());
    }
  }

  /** Campaigning while leader is a no-op. */
  @ParameterizedTest
  @CsvSource({"false", "true"})
  void campaignWhileLeader(boolean preVote) {
    Raft r =
        new Raft(
            RaftTestUtil.newTestConfig(1, 5, 1, newTestMemoryStorage(withPeers(1)))
                .setPreVote(preVote));
    assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
    // We don't call campaign() directly because it comes after the check for our current state.
    r.step(msg(1, 1, MessageType.MsgHup).build());
    RaftTestUtil.advanceMessagesAfterAppend(r);
    assertThat(r.state).isEqualTo(StateType.STATE_LEADER);
    long term = r.term;
    r.step(msg(1, 1, MessageType.MsgHup).build());
    RaftTestUtil.advanceMessagesAfterAppend(r);
    assertThat(r.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(r.term).isEqualTo(term);
  }

  /** Pending entries commit once the removal of a node shrinks the quorum. */
  @Test
  void commitAfterRemoveNode() {
    // Create a cluster with two nodes.
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    Raft r = newTestRaft(1, 5, 1, s);
    r.becomeCandidate();
    r.becomeLeader();

    // Begin to remove the second node.
    ConfChange cc =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeRemoveNode).setNodeId(2).build();
    r.step(
        Message.newBuilder()
            .setType(MessageType.MsgProp)
            .addEntries(
                Entry.newBuilder().setType(EntryType.EntryConfChange).setData(cc.toByteString()))
            .build());
    // Stabilize the log: nothing commits without node 2.
    assertThat(nextEnts(r, s)).isEmpty();
    long ccIndex = r.raftLog.lastIndex();

    // While the config change is pending, make another proposal.
    r.step(
        Message.newBuilder()
            .setType(MessageType.MsgProp)
            .addEntries(
                Entry.newBuilder()
                    .setType(EntryType.EntryNormal)
                    .setData(RaftTestUtil.bytes("hello")))
            .build());

    // Node 2 acknowledges the config change, committing it.
    r.step(
        Message.newBuilder().setType(MessageType.MsgAppResp).setFrom(2).setIndex(ccIndex).build());
    List<Entry> ents = nextEnts(r, s);
    assertThat(ents).hasSize(2);
    assertThat(ents.get(0).getType()).isEqualTo(EntryType.EntryNormal);
    assertThat(ents.get(0).hasData()).isFalse();
    assertThat(ents.get(1).getType()).isEqualTo(EntryType.EntryConfChange);

    // Apply the config change: the remaining entry commits with the smaller quorum.
    r.applyConfChange(ConfChangeI.of(cc).asV2());
    ents = nextEnts(r, s);
    assertThat(ents).hasSize(1);
    assertThat(ents.get(0).getType()).isEqualTo(EntryType.EntryNormal);
    assertThat(ents.get(0).getData()).isEqualTo(RaftTestUtil.bytes("hello"));
  }

  /** Learners are added, promoted, and a voter (even this node) demoted. */
  @Test
  void addLearner() {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    // Add new learner peer.
    apply(r, ConfChangeType.ConfChangeAddLearnerNode, 2);
    assertThat(r.isLearner).isFalse();
    assertThat(r.trk.learnerNodes()).containsExactly(2);
    assertThat(r.trk.progress().get(2).isLearner()).isTrue();

    // Promote the peer to voter.
    apply(r, ConfChangeType.ConfChangeAddNode, 2);
    assertThat(r.trk.progress().get(2).isLearner()).isFalse();

    // Demote r.
    apply(r, ConfChangeType.ConfChangeAddLearnerNode, 1);
    assertThat(r.trk.progress().get(1).isLearner()).isTrue();
    assertThat(r.isLearner).isTrue();

    // Promote r again.
    apply(r, ConfChangeType.ConfChangeAddNode, 1);
    assertThat(r.trk.progress().get(1).isLearner()).isFalse();
    assertThat(r.isLearner).isFalse();
  }

  /** Removing a learner works; removing the last voter does not. */
  @Test
  void removeLearner() {
    Raft r =
        newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1), RaftTestUtil.withLearners(2)));
    apply(r, ConfChangeType.ConfChangeRemoveNode, 2);
    assertThat(r.trk.voterNodes()).containsExactly(1);
    assertThat(r.trk.learnerNodes()).isEmpty();
    // Removing all voters is not allowed.
    assertThatThrownBy(() -> apply(r, ConfChangeType.ConfChangeRemoveNode, 1))
        .isInstanceOf(IllegalStateException.class);
  }
}
