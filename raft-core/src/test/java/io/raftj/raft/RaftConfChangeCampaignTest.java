package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.hup;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.MessageType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ports etcd raft_test.go's TestConfChangeCheckBeforeCampaign and its V2 variant: a node does not
 * campaign, by timeout or by leadership transfer, while a committed conf change is unapplied.
 */
final class RaftConfChangeCampaignTest {

  @ParameterizedTest(name = "v2={0}")
  @ValueSource(booleans = {false, true})
  void confChangeCheckBeforeCampaign(boolean v2) {
    Network nt = Network.of(3);
    Raft n1 = nt.raft(1);
    Raft n2 = nt.raft(2);
    nt.send(hup(1));
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);

    ConfChange cc = ConfChange.newBuilder().setType(ConfChangeType.ConfChangeRemoveNode).setNodeId(2).build();
    ByteString ccData = v2 ? ConfChangeI.of(cc).asV2().toByteString() : cc.toByteString();
    EntryType ty = v2 ? EntryType.EntryConfChangeV2 : EntryType.EntryConfChange;
    nt.send(msg(1, 1, MessageType.MsgProp).addEntries(Entry.newBuilder().setType(ty).setData(ccData)).build());

    for (int i = 0; i < n2.randomizedElectionTimeout; i++) {
      n2.tick();
    }
    assertThat(n2.state).as("committed conf change not applied yet").isEqualTo(StateType.STATE_FOLLOWER);

    nt.send(msg(2, 1, MessageType.MsgTransferLeader).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_LEADER);
    assertThat(n2.state).as("committed conf change not applied yet").isEqualTo(StateType.STATE_FOLLOWER);

    // let the transfer time out
    for (int i = 0; i < n1.electionTimeout; i++) {
      n1.tick();
    }

    nextEnts(n2, nt.storage.get(2L));

    nt.send(msg(2, 1, MessageType.MsgTransferLeader).build());
    assertThat(n1.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(n2.state).isEqualTo(StateType.STATE_LEADER);

    nextEnts(n1, nt.storage.get(1L));
    for (int i = 0; i < n1.randomizedElectionTimeout; i++) {
      n1.tick();
    }
    assertThat(n1.state).isEqualTo(StateType.STATE_CANDIDATE);
  }
}
