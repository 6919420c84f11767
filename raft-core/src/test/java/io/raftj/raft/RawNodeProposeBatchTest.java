package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RawNode#propose(List)}: a batch is one MsgProp, accepted or dropped as a whole; and the
 * allocation-saving paths behind proposals (entries stamped once, storage acks kept as fields)
 * leave the log exactly as stepping etcd's messages does.
 */
final class RawNodeProposeBatchTest {

  private static final List<ByteString> BATCH = List.of(bytes("a"), bytes("b"), bytes("c"));

  /** A single-voter node that has elected itself and applied its empty entry. */
  private static RawNode leader(MemoryStorage s, Config c) {
    RawNode rn = new RawNode(c);
    rn.campaign();
    drain(rn, s);
    assertThat(rn.basicStatus().raftState()).isEqualTo(StateType.STATE_LEADER);
    return rn;
  }

  /** Node 1 of voters {1, 2}, elected with node 2's vote; its messages to node 2 are dropped. */
  private static RawNode twoVoterLeader(MemoryStorage s, Config c) {
    RawNode rn = new RawNode(c);
    rn.campaign();
    drain(rn, s);
    rn.step(
        Message.newBuilder()
            .setType(MessageType.MsgVoteResp)
            .setFrom(2)
            .setTo(1)
            .setTerm(1)
            .build());
    drain(rn, s);
    assertThat(rn.basicStatus().raftState()).isEqualTo(StateType.STATE_LEADER);
    return rn;
  }

  /** Handles Readys until there are none, as a host would; returns the committed entries. */
  private static List<Entry> drain(RawNode rn, MemoryStorage s) {
    List<Entry> committed = new ArrayList<>();
    while (rn.hasReady()) {
      Ready rd = rn.ready();
      if (!Util.isEmptyHardState(rd.hardState())) {
        s.setHardState(rd.hardState());
      }
      s.append(rd.entries());
      committed.addAll(rd.committedEntries());
      rn.advance(rd);
    }
    return committed;
  }

  @Test
  void proposeBatch_onLeader_appendsConsecutiveEntriesCommittedTogether() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rn = leader(s, newTestConfig(1, 10, 1, s));
    long last = rn.raft().raftLog.lastIndex();
    long term = rn.raft().term;

    rn.propose(BATCH);

    Ready rd = rn.ready();
    assertThat(rd.entries()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Entry e = rd.entries().get(i);
      assertThat(e.getIndex()).isEqualTo(last + 1 + i);
      assertThat(e.getTerm()).isEqualTo(term);
      assertThat(e.getData()).isEqualTo(BATCH.get(i));
      assertThat(e.hasType()).as("a normal proposal's entry has no Type on the wire").isFalse();
    }
    s.append(rd.entries());
    rn.advance(rd);
    assertThat(drain(rn, s)).extracting(Entry::getData).containsExactlyElementsOf(BATCH);
  }

  /** The batch lands in the log exactly as etcd's multi-entry MsgProp, stepped by hand, does. */
  @Test
  void proposeBatch_sameLogAsSteppingMultiEntryMsgProp() {
    MemoryStorage s1 = newTestMemoryStorage(withPeers(1));
    RawNode viaBatch = leader(s1, newTestConfig(1, 10, 1, s1));
    MemoryStorage s2 = newTestMemoryStorage(withPeers(1));
    RawNode viaStep = leader(s2, newTestConfig(1, 10, 1, s2));

    viaBatch.propose(BATCH);
    Message.Builder m = Message.newBuilder().setType(MessageType.MsgProp).setFrom(1);
    for (ByteString d : BATCH) {
      m.addEntries(Entry.newBuilder().setData(d));
    }
    viaStep.step(m.build());

    assertThat(viaBatch.ready().entries()).isEqualTo(viaStep.ready().entries());
  }

  @Test
  void proposeBatch_overUncommittedBudget_dropsWholeBatch() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    // Two voters: nothing commits without node 2, so proposals stay uncommitted.
    RawNode rn = twoVoterLeader(s, newTestConfig(1, 10, 1, s).setMaxUncommittedEntriesSize(4));
    rn.propose(bytes("xx")); // 2 of the 4 bytes
    long last = rn.raft().raftLog.lastIndex();

    // Each entry alone would fit (1 byte), the batch (3 bytes) does not: all of it is dropped.
    assertThatThrownBy(() -> rn.propose(BATCH)).isSameAs(ProposalDroppedException.INSTANCE);
    assertThat(rn.raft().raftLog.lastIndex()).isEqualTo(last);

    rn.propose(List.of(bytes("y"), bytes("z")));
    assertThat(rn.raft().raftLog.lastIndex()).isEqualTo(last + 2);
  }

  @Test
  void proposeBatch_onFollower_forwardsOneMsgPropWithUnstampedEntries() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    RawNode rn = new RawNode(newTestConfig(1, 10, 1, s));
    // Node 2 leads term 1.
    rn.step(
        Message.newBuilder()
            .setType(MessageType.MsgHeartbeat)
            .setFrom(2)
            .setTo(1)
            .setTerm(1)
            .build());
    drain(rn, s);

    rn.propose(BATCH);

    List<Message> msgs = rn.ready().messages();
    assertThat(msgs).hasSize(1);
    Message fwd = msgs.get(0);
    assertThat(fwd.getType()).isEqualTo(MessageType.MsgProp);
    assertThat(fwd.getFrom()).isEqualTo(1);
    assertThat(fwd.getTo()).isEqualTo(2);
    assertThat(fwd.getEntriesList())
        .containsExactly(
            Entry.newBuilder().setData(bytes("a")).build(),
            Entry.newBuilder().setData(bytes("b")).build(),
            Entry.newBuilder().setData(bytes("c")).build());
  }

  @Test
  void proposeBatch_withoutLeader_dropped() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    RawNode rn = new RawNode(newTestConfig(1, 10, 1, s));
    assertThatThrownBy(() -> rn.propose(BATCH)).isSameAs(ProposalDroppedException.INSTANCE);
  }

  @Test
  void proposeBatch_empty_proposesNothing() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rn = leader(s, newTestConfig(1, 10, 1, s));
    rn.propose(List.of());
    assertThat(rn.hasReady()).isFalse();
  }

  @Test
  void proposeBatch_nullElement_entryWithoutData() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rn = leader(s, newTestConfig(1, 10, 1, s));
    rn.propose(Arrays.asList(bytes("a"), null));
    List<Entry> ents = rn.ready().entries();
    assertThat(ents.get(0).hasData()).isTrue();
    assertThat(ents.get(1).hasData()).isFalse();
  }

  @Test
  void stamp_keepsEntriesAlreadyStamped_rebuildsTheRest() {
    Entry stamped = Entry.newBuilder().setTerm(3).setIndex(7).setData(bytes("a")).build();
    Entry bare = Entry.newBuilder().setData(bytes("b")).build();
    Entry wrongIndex = Entry.newBuilder().setTerm(3).setIndex(99).build();

    List<Entry> same = List.of(stamped);
    assertThat(Raft.stamp(same, 3, 7)).isSameAs(same);

    List<Entry> out = Raft.stamp(List.of(stamped, bare, wrongIndex), 3, 7);
    assertThat(out.get(0)).isSameAs(stamped);
    assertThat(out.get(1)).isEqualTo(bare.toBuilder().setTerm(3).setIndex(8).build());
    assertThat(out.get(2)).isEqualTo(wrongIndex.toBuilder().setIndex(9).build());
  }

  /**
   * A Ready accepted at one term and advanced at a higher one: its append acknowledgement is of the
   * older term, so, as with etcd's MsgStorageAppendResp, the entries are not marked stable.
   */
  @Test
  void advance_afterTermMoved_doesNotMarkOldTermEntriesStable() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    RawNode rn = twoVoterLeader(s, newTestConfig(1, 10, 1, s));
    rn.propose(bytes("x"));
    Ready rd = rn.ready();
    assertThat(rd.entries()).isNotEmpty();
    long offsetBefore = rn.raft().raftLog.unstable().offset();

    // A higher term arrives before the host advances.
    rn.step(
        Message.newBuilder()
            .setType(MessageType.MsgHeartbeat)
            .setFrom(2)
            .setTo(1)
            .setTerm(5)
            .build());
    s.append(rd.entries());
    rn.advance(rd);

    assertThat(rn.raft().raftLog.unstable().offset()).isEqualTo(offsetBefore);

    // At the same term, the next Ready's acknowledgement does mark them stable.
    drain(rn, s);
    assertThat(rn.raft().raftLog.unstable().offset()).isEqualTo(rn.raft().raftLog.lastIndex() + 1);
  }
}
