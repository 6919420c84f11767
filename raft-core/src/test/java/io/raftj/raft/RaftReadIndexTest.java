package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.withLearners;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ports the read-index tests of etcd's raft_test.go (safe and lease-based). */
final class RaftReadIndexTest {

  private static Message readIndex(long id, ByteString ctx) {
    return msg(id, id, MessageType.MsgReadIndex).addEntries(Entry.newBuilder().setData(ctx)).build();
  }

  private static Message emptyProposal() {
    return msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build();
  }

  /** Elects node 1 while node 2 is still in its lease window. */
  private static void electOne(Network nt, Raft b) {
    b.setRandomizedElectionTimeout(b.electionTimeout + 1);
    for (int i = 0; i < b.electionTimeout; i++) {
      b.tick();
    }
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    assertThat(nt.raft(1).state).isEqualTo(StateType.STATE_LEADER);
  }

  record ReadCase(int node, int proposals, long wantIndex, String wantCtx) {}

  /** Reads served by the leader and forwarded by followers return the commit index at receipt. */
  @ParameterizedTest
  @EnumSource(ReadOnlyOption.class)
  void readOnlyOption(ReadOnlyOption option) {
    Raft[] rs = new Raft[3];
    for (int i = 0; i < 3; i++) {
      rs[i] =
          new Raft(
              newTestConfig(i + 1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
                  .setReadOnlyOption(option)
                  .setCheckQuorum(option == ReadOnlyOption.READ_ONLY_LEASE_BASED));
    }
    Network nt = Network.withConfig(null, rs[0], rs[1], rs[2]);
    electOne(nt, rs[1]);
    List<ReadCase> cases =
        List.of(
            new ReadCase(0, 10, 11, "ctx1"),
            new ReadCase(1, 10, 21, "ctx2"),
            new ReadCase(2, 10, 31, "ctx3"),
            new ReadCase(0, 10, 41, "ctx4"),
            new ReadCase(1, 10, 51, "ctx5"),
            new ReadCase(2, 10, 61, "ctx6"));
    for (ReadCase tt : cases) {
      for (int j = 0; j < tt.proposals(); j++) {
        nt.send(emptyProposal());
      }
      Raft r = rs[tt.node()];
      nt.send(readIndex(r.id, bytes(tt.wantCtx())));
      assertThat(r.readStates).isNotEmpty();
      assertThat(r.readStates.get(0)).isEqualTo(new ReadState(tt.wantIndex(), bytes(tt.wantCtx())));
      r.readStates = new ArrayList<>();
    }
  }

  /** Learners' read requests are served, but learners do not count toward the quorum. */
  @Test
  void readOnlyWithLearner() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1), withLearners(2));
    Raft a = newTestRaft(1, 10, 1, s);
    Raft b = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1), withLearners(2)));
    Network nt = Network.withConfig(null, a, b);
    electOne(nt, b);
    List<ReadCase> cases =
        List.of(
            new ReadCase(0, 10, 11, "ctx1"),
            new ReadCase(1, 10, 21, "ctx2"),
            new ReadCase(0, 10, 31, "ctx3"),
            new ReadCase(1, 10, 41, "ctx4"));
    Raft[] rs = {a, b};
    for (ReadCase tt : cases) {
      for (int j = 0; j < tt.proposals(); j++) {
        nt.send(emptyProposal());
        nextEnts(a, s);
      }
      Raft r = rs[tt.node()];
      nt.send(readIndex(r.id, bytes(tt.wantCtx())));
      assertThat(r.readStates).isNotEmpty();
      assertThat(r.readStates.get(0)).isEqualTo(new ReadState(tt.wantIndex(), bytes(tt.wantCtx())));
      r.readStates = new ArrayList<>();
    }
  }

  /**
   * A new leader holds reads until it commits an entry of its term, then answers them at that
   * commit index (thesis §6.4).
   */
  @Test
  void readOnlyForNewLeader() {
    record NodeConfig(long id, long committed, long applied, long compactIndex) {}
    List<NodeConfig> configs =
        List.of(new NodeConfig(1, 1, 1, 0), new NodeConfig(2, 2, 2, 2), new NodeConfig(3, 2, 2, 2));
    Object[] peers = new Object[3];
    for (int i = 0; i < 3; i++) {
      NodeConfig c = configs.get(i);
      MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2, 3));
      storage.append(index(1).terms(1, 1));
      storage.setHardState(HardState.newBuilder().setTerm(1).setCommit(c.committed()).build());
      if (c.compactIndex() != 0) {
        storage.compact(c.compactIndex());
      }
      peers[i] = new Raft(newTestConfig(c.id(), 10, 1, storage).setApplied(c.applied()));
    }
    Network nt = Network.withConfig(null, peers);
    // Drop MsgApp to keep the new leader from committing an entry of its term.
    nt.ignore(MessageType.MsgApp);
    nt.send(msg(1, 1, MessageType.MsgHup).build());
    Raft sm = nt.raft(1);
    assertThat(sm.state).isEqualTo(StateType.STATE_LEADER);

    ByteString wctx = bytes("ctx");
    nt.send(readIndex(1, wctx));
    assertThat(sm.readStates).isEmpty();

    nt.recover();
    // Force the leader to commit an entry of its term (a heartbeat round brings the followers'
    // logs up).
    for (int i = 0; i < sm.heartbeatTimeout; i++) {
      sm.tick();
    }
    nt.send(emptyProposal());
    assertThat(sm.raftLog.committed()).isEqualTo(4);
    assertThat(sm.raftLog.zeroTermOnOutOfBounds(sm.raftLog.committed())).isEqualTo(sm.term);

    // The pending read was answered on that commit.
    assertThat(sm.readStates).containsExactly(new ReadState(4, wctx));

    // Later reads are answered at once.
    nt.send(readIndex(1, wctx));
    assertThat(sm.readStates).containsExactly(new ReadState(4, wctx), new ReadState(4, wctx));
  }

  /** The heartbeat context is the 8-byte little-endian count of reads (etcd v3.7). */
  @Test
  void readOnly_heartbeatContextCountsReads() {
    ReadOnly ro = new ReadOnly(ReadOnlyOption.READ_ONLY_SAFE);
    assertThat(ro.heartbeatCtx()).isNull();
    ro.addRequest(5, Message.getDefaultInstance());
    ro.addRequest(6, Message.getDefaultInstance());
    assertThat(ro.heartbeatCtx().toByteArray()).containsExactly(2, 0, 0, 0, 0, 0, 0, 0);
  }
}
