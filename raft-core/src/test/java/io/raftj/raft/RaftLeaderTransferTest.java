package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.msg;
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
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import org.junit.jupiter.api.Test;

/** Ports the leader-transfer tests of etcd's raft_test.go (thesis §3.10). */
final class RaftLeaderTransferTest {

  private static Network electedTrio() {
    Network nt = Network.of(3);
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    return nt;
  }

  private static Message transfer(long transferee, long to) {
    return msg(transferee, to, MessageType.MsgTransferLeader).build();
  }

  private static Message emptyProposal() {
    return msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build();
  }

  private static void checkLeaderTransferState(Raft r, StateType state, long lead) {
    assertThat(r.state).isEqualTo(state);
    assertThat(r.lead).isEqualTo(lead);
    assertThat(r.leadTransferee).isEqualTo(Raft.NONE);
  }

  /** An up-to-date transferee gets MsgTimeoutNow at once and wins; and back again. */
  @Test
  void leaderTransferToUpToDateNode() {
    Network nt = electedTrio();
    Raft lead = nt.raft(1);
    assertThat(lead.lead).isEqualTo(1);

    nt.send(transfer(2, 1));
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 2);

    // After some log replication, transfer leadership back to 1, through the follower.
    nt.send(emptyProposal());
    nt.send(transfer(1, 2));
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** A lagging transferee is caught up first, then told to campaign. */
  @Test
  void leaderTransferToSlowFollower() {
    Network nt = electedTrio();
    nt.isolate(3);
    nt.send(emptyProposal());
    nt.recover();
    Raft lead = nt.raft(1);
    assertThat(lead.trk.progress().get(3).match()).isEqualTo(1);

    nt.send(transfer(3, 1));
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 3);
  }

  @Test
  void leaderTransferToSelf() {
    Network nt = electedTrio();
    nt.send(transfer(1, 1));
    checkLeaderTransferState(nt.raft(1), StateType.STATE_LEADER, 1);
  }

  @Test
  void leaderTransferToNonExistingNode() {
    Network nt = electedTrio();
    nt.send(transfer(4, 1));
    checkLeaderTransferState(nt.raft(1), StateType.STATE_LEADER, 1);
  }

  /** A transfer that does not finish within an election timeout is aborted. */
  @Test
  void leaderTransferTimeout() {
    Network nt = electedTrio();
    nt.isolate(3);
    Raft lead = nt.raft(1);
    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    for (int i = 0; i < lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    assertThat(lead.leadTransferee).isEqualTo(3);
    for (int i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** Proposals are dropped while a transfer is in progress. */
  @Test
  void leaderTransferIgnoreProposal() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2, 3));
    Raft r = newTestRaft(1, 10, 1, s);
    Network nt = Network.withConfig(null, r, null, null);
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    nt.isolate(3);
    Raft lead = nt.raft(1);
    nextEnts(r, s); // handle the empty entry

    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);

    nt.send(emptyProposal());
    assertThatThrownBy(() -> lead.step(emptyProposal())).isSameAs(ProposalDroppedException.INSTANCE);
    assertThat(lead.trk.progress().get(1).match()).isEqualTo(1);
  }

  /** Removing the transferee aborts the transfer. */
  @Test
  void leaderTransferRemoveNode() {
    Network nt = electedTrio();
    nt.ignore(MessageType.MsgTimeoutNow);
    Raft lead = nt.raft(1);
    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    lead.applyConfChange(
        ConfChangeI.of(ConfChange.newBuilder().setNodeId(3).setType(ConfChangeType.ConfChangeRemoveNode).build()).asV2());
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** Demoting the transferee to learner aborts the transfer. */
  @Test
  void leaderTransferDemoteNode() {
    Network nt = electedTrio();
    nt.ignore(MessageType.MsgTimeoutNow);
    Raft lead = nt.raft(1);
    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    // Demote 3 through a joint configuration, then leave it.
    lead.applyConfChange(
        io.raftj.raft.raftpb.ConfChangeV2.newBuilder()
            .addChanges(io.raftj.raft.raftpb.ConfChangeSingle.newBuilder().setType(ConfChangeType.ConfChangeRemoveNode).setNodeId(3))
            .addChanges(io.raftj.raft.raftpb.ConfChangeSingle.newBuilder().setType(ConfChangeType.ConfChangeAddLearnerNode).setNodeId(3))
            .build());
    lead.applyConfChange(io.raftj.raft.raftpb.ConfChangeV2.getDefaultInstance());
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** Transferring back to the leader itself cancels the transfer. */
  @Test
  void leaderTransferBack() {
    Network nt = electedTrio();
    nt.isolate(3);
    Raft lead = nt.raft(1);
    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    nt.send(transfer(1, 1));
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** A second transfer to another node replaces the first. */
  @Test
  void leaderTransferSecondTransferToAnotherNode() {
    Network nt = electedTrio();
    nt.isolate(3);
    Raft lead = nt.raft(1);
    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    nt.send(transfer(2, 1));
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 2);
  }

  /** A second transfer to the same node does not extend the timeout. */
  @Test
  void leaderTransferSecondTransferToSameNode() {
    Network nt = electedTrio();
    nt.isolate(3);
    Raft lead = nt.raft(1);
    nt.send(transfer(3, 1));
    assertThat(lead.leadTransferee).isEqualTo(3);
    for (int i = 0; i < lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    nt.send(transfer(3, 1));
    for (int i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }
}
