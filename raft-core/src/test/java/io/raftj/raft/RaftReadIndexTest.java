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
    return msg(id, id, MessageType.MsgReadIndex)
        .addEntries(Entry.newBuilder().setData(ctx))
        .build();
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

  /**
   * For each case: proposes empty entries on leader 1 (running {@code afterProposal} after each),
   * then reads through the case's node and checks the ReadState it gets.
   */
  private static void checkReads(
      Network nt, Raft[] rs, List<ReadCase> cases, Runnable afterProposal) {
    for (ReadCase tt : cases) {
      for (int j = 0; j < tt.proposals(); j++) {
        nt.send(emptyProposal());
        afterProposal.run();
      }
      Raft r = rs[tt.node()];
      nt.send(readIndex(r.id, bytes(tt.wantCtx())));
      assertThat(r.readStates).isNotEmpty();
      assertThat(r.readStates.get(0)).isEqualTo(new ReadState(tt.wantIndex(), bytes(tt.wantCtx())));
      r.readStates = new ArrayList<>();
    }
  }

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
    checkReads(nt, rs, cases, () -> {});
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
    checkReads(nt, new Raft[] {a, b}, cases, () -> nextEnts(a, s));
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

  /**
   * A read request whose heartbeat acks are delayed past a leader change is never answered below
   * the commit index it was issued at.
   */
  @Test
  void readOnlyDuplicateRequest() {
    Raft r1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft r2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft r3 = newTestRaft(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Network net = Network.withConfig(null, r1, r2, r3);
    List<Message> delayedMsgs = new ArrayList<>();

    net.send(msg(1, 1, MessageType.MsgHup).build());

    // Read A through r2, delaying the heartbeat responses that would confirm it.
    Message readIndexMsgA =
        msg(2, 1, MessageType.MsgReadIndex)
            .addEntries(Entry.newBuilder().setData(bytes("A")))
            .build();
    long readIndexMinimumA = r1.raftLog.committed();
    delayedMsgs.add(readIndexMsgA);
    net.msgHook =
        m -> {
          if (m.getType() == MessageType.MsgHeartbeatResp) {
            delayedMsgs.add(m);
            return false;
          }
          return true;
        };
    net.send(readIndexMsgA);
    net.msgHook = null;

    // A heartbeat round from r1 (whose acks are not delayed).
    r1.tick();
    net.send(RaftTestUtil.readMessages(r1).toArray(new Message[0]));

    // r2 takes over and commits an entry while r1 is cut off.
    net.isolate(r1.id);
    net.send(msg(2, 2, MessageType.MsgHup).build());
    net.send(
        msg(2, 2, MessageType.MsgProp)
            .addEntries(Entry.newBuilder().setData(bytes("someOp")))
            .build());

    // Read B through r1, which is no longer the leader.
    Message readIndexMsgB =
        msg(1, 1, MessageType.MsgReadIndex)
            .addEntries(Entry.newBuilder().setData(bytes("B")))
            .build();
    long readIndexMinimumB = r2.raftLog.committed();
    net.send(readIndexMsgB);

    net.recover();
    net.send(delayedMsgs.toArray(new Message[0]));

    List<ReadState> all = new ArrayList<>();
    all.addAll(r1.readStates);
    all.addAll(r2.readStates);
    all.addAll(r3.readStates);
    for (ReadState rd : all) {
      if (rd.requestCtx().equals(bytes("A"))) {
        assertThat(rd.index()).as("readIndex for A").isGreaterThanOrEqualTo(readIndexMinimumA);
      } else if (rd.requestCtx().equals(bytes("B"))) {
        assertThat(rd.index()).as("readIndex for B").isGreaterThanOrEqualTo(readIndexMinimumB);
      }
    }
  }
}
