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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports the leader-transfer tests of etcd's raft_test.go (thesis §3.10). */
final class RaftLeaderTransferTest {

  private static Network electedTrio() {
    Network nt = Network.of(3);
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    return nt;
  }

  /** Node 1 leads and starts a transfer to node 3, which is cut off and cannot complete it. */
  private static Network transferToIsolated3() {
    Network nt = electedTrio();
    nt.isolate(3);
    nt.send(transfer(3, 1));
    assertThat(nt.raft(1).leadTransferee).isEqualTo(3);
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
    assertThat(r.leadTransferee).isEqualTo(RaftConstants.NONE);
  }

  /**
   * An up-to-date transferee gets MsgTimeoutNow at once and wins, and leadership moves back after
   * some replication; a request sent to a follower (here, the transferee itself) is forwarded to
   * the leader. etcd's TestLeaderTransferToUpToDateNode and
   * TestLeaderTransferToUpToDateNodeFromFollower.
   */
  @ParameterizedTest(name = "requested through the follower: {0}")
  @ValueSource(booleans = {false, true})
  void leaderTransferToUpToDateNode(boolean throughFollower) {
    Network nt = electedTrio();
    Raft lead = nt.raft(1);
    assertThat(lead.lead).isEqualTo(1);

    nt.send(transfer(2, throughFollower ? 2 : 1));
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 2);

    nt.send(emptyProposal());
    nt.send(transfer(1, throughFollower ? 1 : 2));
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
    Network nt = transferToIsolated3();
    Raft lead = nt.raft(1);
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
    assertThatThrownBy(() -> lead.step(emptyProposal()))
        .isSameAs(ProposalDroppedException.INSTANCE);
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
        ConfChangeI.of(
                ConfChange.newBuilder()
                    .setNodeId(3)
                    .setType(ConfChangeType.ConfChangeRemoveNode)
                    .build())
            .asV2());
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
            .addChanges(
                io.raftj.raft.raftpb.ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeRemoveNode)
                    .setNodeId(3))
            .addChanges(
                io.raftj.raft.raftpb.ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddLearnerNode)
                    .setNodeId(3))
            .build());
    lead.applyConfChange(io.raftj.raft.raftpb.ConfChangeV2.getDefaultInstance());
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** Transferring back to the leader itself cancels the transfer. */
  @Test
  void leaderTransferBack() {
    Network nt = transferToIsolated3();
    Raft lead = nt.raft(1);
    nt.send(transfer(1, 1));
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** A second transfer to another node replaces the first. */
  @Test
  void leaderTransferSecondTransferToAnotherNode() {
    Network nt = transferToIsolated3();
    Raft lead = nt.raft(1);
    nt.send(transfer(2, 1));
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 2);
  }

  /** A second transfer to the same node does not extend the timeout. */
  @Test
  void leaderTransferSecondTransferToSameNode() {
    Network nt = transferToIsolated3();
    Raft lead = nt.raft(1);
    for (int i = 0; i < lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    nt.send(transfer(3, 1));
    for (int i = 0; i < lead.electionTimeout - lead.heartbeatTimeout; i++) {
      lead.tick();
    }
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** With check-quorum, the transferee's vote requests bypass the other voters' lease. */
  @Test
  void leaderTransferWithCheckQuorum() {
    Network nt = Network.withConfig(c -> c.setCheckQuorum(true), null, null, null);
    for (long i = 1; i < 4; i++) {
      Raft r = nt.raft(i);
      r.setRandomizedElectionTimeout(r.electionTimeout + (int) i);
    }
    // Let the peers' election timers pass, so that the vote for node 1 is not refused.
    Raft f = nt.raft(2);
    for (int i = 0; i < f.electionTimeout; i++) {
      f.tick();
    }
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    Raft lead = nt.raft(1);
    assertThat(lead.state).isEqualTo(StateType.STATE_LEADER);

    // Transfer leadership to 2.
    nt.send(transfer(2, 1));
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 2);

    // After some log replication, transfer leadership back to 1.
    nt.send(emptyProposal());
    nt.send(transfer(1, 2));
    checkLeaderTransferState(lead, StateType.STATE_LEADER, 1);
  }

  /** A transferee that needs a snapshot gets it first, then is told to campaign. */
  @Test
  void leaderTransferAfterSnapshot() {
    Network nt = electedTrio();
    nt.isolate(3);
    nt.send(emptyProposal());
    Raft lead = nt.raft(1);
    nextEnts(lead, nt.storage.get(1L));
    io.raftj.raft.raftpb.ConfState.Builder cs = io.raftj.raft.raftpb.ConfState.newBuilder();
    for (long id : lead.trk.voterNodes()) {
      cs.addVoters(id);
    }
    nt.storage.get(1L).createSnapshot(lead.raftLog.applied(), cs.build(), null);
    nt.storage.get(1L).compact(lead.raftLog.applied());

    nt.recover();
    assertThat(lead.trk.progress().get(3).match()).isEqualTo(1);

    Message[] filtered = new Message[1];
    // Snapshot needs to be applied before sending the MsgAppResp.
    nt.msgHook =
        m -> {
          if (m.getType() != MessageType.MsgAppResp || m.getFrom() != 3 || m.getReject()) {
            return true;
          }
          filtered[0] = m;
          return false;
        };
    // Transfer leadership to 3 when node 3 is missing a snapshot.
    nt.send(transfer(3, 1));
    assertThat(lead.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(filtered[0])
        .as("follower should report snapshot progress automatically")
        .isNotNull();

    // Apply the snapshot and resume progress.
    Raft follower = nt.raft(3);
    io.raftj.raft.raftpb.Snapshot snap = follower.raftLog.nextUnstableSnapshot();
    nt.storage.get(3L).applySnapshot(snap);
    follower.appliedSnap(snap);
    nt.msgHook = null;
    nt.send(filtered[0]);
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 3);
  }

  /** A vote of a higher term ends the transfer along with the leadership. */
  @Test
  void leaderTransferReceiveHigherTermVote() {
    Network nt = transferToIsolated3();
    Raft lead = nt.raft(1);
    nt.send(msg(2, 2, MessageType.MsgHup).setIndex(1).setTerm(2).build());
    checkLeaderTransferState(lead, StateType.STATE_FOLLOWER, 2);
  }
}
