package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRawNode;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeTransition;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.raft.tracker.ProgressState;
import io.raftj.raft.tracker.ProgressView;
import io.raftj.raft.tracker.internal.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's rawnode_test.go. */
final class RawNodeTest {

  private static ConfChangeSingle single(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }

  private static ConfState cs(
      long[] voters, long[] outgoing, long[] learners, long[] learnersNext, Boolean autoLeave) {
    ConfState.Builder b = ConfState.newBuilder();
    for (long v : voters) {
      b.addVoters(v);
    }
    for (long v : outgoing) {
      b.addVotersOutgoing(v);
    }
    for (long v : learners) {
      b.addLearners(v);
    }
    for (long v : learnersNext) {
      b.addLearnersNext(v);
    }
    // As etcd's EnsureConfState: the tracker always sets AutoLeave.
    b.setAutoLeave(autoLeave != null && autoLeave);
    return b.build();
  }

  private static long[] ids(long... ids) {
    return ids;
  }

  /** Decodes the conf change carried by {@code e}, or null. */
  private static ConfChangeI confChange(Entry e) throws InvalidProtocolBufferException {
    if (e.getType() == EntryType.EntryConfChange) {
      return ConfChangeI.of(ConfChange.parseFrom(e.getData()));
    } else if (e.getType() == EntryType.EntryConfChangeV2) {
      return ConfChangeI.of(ConfChangeV2.parseFrom(e.getData()));
    }
    return null;
  }

  /** Local messages from outside are refused; nothing else trips an assertion. */
  @ParameterizedTest
  @EnumSource(MessageType.class)
  void rawNodeStep(MessageType type) {
    MemoryStorage s = new MemoryStorage(RaftLogger.discard());
    s.setHardState(HardState.newBuilder().setTerm(1).setCommit(1).build());
    s.append(List.of(RaftTestUtil.entry(1, 1)));
    s.applySnapshot(
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setConfState(ConfState.newBuilder().addVoters(1))
                    .setIndex(1)
                    .setTerm(1))
            .build());
    RawNode rawNode = new RawNode(newTestConfig(1, 10, 1, s));
    Message m = Message.newBuilder().setType(type).build();
    if (Messages.isLocalMsg(type)) {
      assertThatThrownBy(() -> rawNode.step(m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("raft: cannot step raft local message");
    } else {
      try {
        rawNode.step(m);
      } catch (ProposalDroppedException | StepPeerNotFoundException e) {
        // allowed outcomes
      }
    }
  }

  record ConfChangeCase(String name, ConfChangeI cc, ConfState exp, ConfState exp2) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<ConfChangeCase> proposeAndConfChangeCases() {
    ConfChangeV2 addLearner2 =
        ConfChangeV2.newBuilder()
            .addChanges(single(ConfChangeType.ConfChangeAddLearnerNode, 2))
            .build();
    List<ConfChangeSingle> demote =
        List.of(
            single(ConfChangeType.ConfChangeAddNode, 2),
            single(ConfChangeType.ConfChangeAddLearnerNode, 1),
            single(ConfChangeType.ConfChangeAddLearnerNode, 3));
    ConfState exp2Demote = cs(ids(2), ids(), ids(1, 3), ids(), null);
    return List.of(
        new ConfChangeCase(
            "v1 add",
            ConfChangeI.of(
                ConfChange.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddNode)
                    .setNodeId(2)
                    .build()),
            cs(ids(1, 2), ids(), ids(), ids(), null),
            null),
        new ConfChangeCase(
            "v2 add, simple",
            ConfChangeI.of(
                ConfChangeV2.newBuilder()
                    .addChanges(single(ConfChangeType.ConfChangeAddNode, 2))
                    .build()),
            cs(ids(1, 2), ids(), ids(), ids(), null),
            null),
        new ConfChangeCase(
            "v2 add learner",
            ConfChangeI.of(addLearner2),
            cs(ids(1), ids(), ids(2), ids(), null),
            null),
        new ConfChangeCase(
            "explicit joint",
            ConfChangeI.of(
                addLearner2.toBuilder()
                    .setTransition(ConfChangeTransition.ConfChangeTransitionJointExplicit)
                    .build()),
            cs(ids(1), ids(1), ids(2), ids(), null),
            cs(ids(1), ids(), ids(2), ids(), null)),
        new ConfChangeCase(
            "implicit joint",
            ConfChangeI.of(
                addLearner2.toBuilder()
                    .setTransition(ConfChangeTransition.ConfChangeTransitionJointImplicit)
                    .build()),
            cs(ids(1), ids(1), ids(2), ids(), true),
            cs(ids(1), ids(), ids(2), ids(), null)),
        new ConfChangeCase(
            "demote with learnersNext, auto",
            ConfChangeI.of(ConfChangeV2.newBuilder().addAllChanges(demote).build()),
            cs(ids(2), ids(1), ids(3), ids(1), true),
            exp2Demote),
        new ConfChangeCase(
            "demote, explicit",
            ConfChangeI.of(
                ConfChangeV2.newBuilder()
                    .addAllChanges(demote)
                    .setTransition(ConfChangeTransition.ConfChangeTransitionJointExplicit)
                    .build()),
            cs(ids(2), ids(1), ids(3), ids(1), null),
            exp2Demote),
        new ConfChangeCase(
            "demote, implicit",
            ConfChangeI.of(
                ConfChangeV2.newBuilder()
                    .addAllChanges(demote)
                    .setTransition(ConfChangeTransition.ConfChangeTransitionJointImplicit)
                    .build()),
            cs(ids(2), ids(1), ids(3), ids(1), true),
            exp2Demote));
  }

  /**
   * A conf change (simple or joint) proposed to a single node applies with the expected ConfState,
   * and joint configurations are left (automatically or by an empty change).
   */
  @ParameterizedTest
  @MethodSource("proposeAndConfChangeCases")
  void rawNodeProposeAndConfChange(ConfChangeCase tc) throws Exception {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rawNode = newTestRawNode(1, 10, 1, s);
    rawNode.campaign();
    boolean proposed = false;
    ByteString ccdata = null;
    ConfState cs = null;
    while (cs == null) {
      Ready rd = rawNode.ready();
      s.append(rd.entries());
      for (Entry ent : rd.committedEntries()) {
        ConfChangeI cc = confChange(ent);
        if (cc != null) {
          cs = rawNode.applyConfChange(cc);
        }
      }
      rawNode.advance(rd);
      if (!proposed && rd.softState() != null && rd.softState().lead() == 1) {
        rawNode.propose(bytes("somedata"));
        ccdata = tc.cc().marshal();
        rawNode.proposeConfChange(tc.cc());
        proposed = true;
      }
    }

    // The last stable entries are exactly what we proposed, down to the bits.
    long lastIndex = s.lastIndex();
    List<Entry> entries = s.entries(lastIndex - 1, lastIndex + 1, RaftConstants.NO_LIMIT);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).getData()).isEqualTo(bytes("somedata"));
    assertThat(entries.get(1).getType()).isEqualTo(tc.cc().entryType());
    assertThat(entries.get(1).getData()).isEqualTo(ccdata);
    assertThat(cs).isEqualTo(tc.exp());

    long maybePlusOne = 0;
    var ej = io.raftj.raft.raftpb.ConfChanges.enterJoint(tc.cc().asV2());
    if (ej.ok() && ej.autoLeave()) {
      // The auto-leave entry was appended already (but is not stable yet).
      maybePlusOne = 1;
    }
    assertThat(rawNode.raft().pendingConfIndex).isEqualTo(lastIndex + maybePlusOne);

    Ready rd = rawNode.ready();
    ByteString context = ByteString.EMPTY;
    if (!tc.exp().getAutoLeave()) {
      assertThat(rd.entries()).isEmpty();
      rawNode.advance(rd);
      if (tc.exp2() == null) {
        return;
      }
      context = bytes("manual");
      rawNode.proposeConfChange(
          ConfChangeI.of(ConfChangeV2.newBuilder().setContext(context).build()));
      rd = rawNode.ready();
    }
    assertThat(rd.entries()).hasSize(1);
    assertThat(rd.entries().get(0).getType()).isEqualTo(EntryType.EntryConfChangeV2);
    ConfChangeV2 cc = ConfChangeV2.parseFrom(rd.entries().get(0).getData());
    ConfChangeV2.Builder want = ConfChangeV2.newBuilder();
    if (!context.isEmpty()) {
      want.setContext(context);
    }
    assertThat(cc).isEqualTo(want.build());
    // Pretend the leave applied (it cannot commit: the joint quorum needs node 2).
    assertThat(rawNode.applyConfChange(ConfChangeI.of(cc))).isEqualTo(tc.exp2());
    s.append(rd.entries()); // persisted before advance, as the Ready contract requires
    rawNode.advance(rd);
  }

  /** A joint config is left automatically once the node becomes leader again. */
  @Test
  void rawNodeJointAutoLeave() throws Exception {
    ConfChangeV2 testCc =
        ConfChangeV2.newBuilder()
            .addChanges(single(ConfChangeType.ConfChangeAddLearnerNode, 2))
            .setTransition(ConfChangeTransition.ConfChangeTransitionJointImplicit)
            .build();
    ConfState expCs = cs(ids(1), ids(1), ids(2), ids(), true);
    ConfState exp2Cs = cs(ids(1), ids(), ids(2), ids(), false);

    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rawNode = newTestRawNode(1, 10, 1, s);
    rawNode.campaign();
    boolean proposed = false;
    ConfState cs = null;
    while (cs == null) {
      Ready rd = rawNode.ready();
      s.append(rd.entries());
      for (Entry ent : rd.committedEntries()) {
        if (ent.getType() == EntryType.EntryConfChangeV2) {
          // Force it to step down.
          rawNode.step(
              Message.newBuilder()
                  .setType(MessageType.MsgHeartbeatResp)
                  .setFrom(1)
                  .setTerm(rawNode.raft().term + 1)
                  .build());
          cs = rawNode.applyConfChange(ConfChangeI.of(ConfChangeV2.parseFrom(ent.getData())));
        }
      }
      rawNode.advance(rd);
      if (!proposed && rd.softState() != null && rd.softState().lead() == 1) {
        rawNode.propose(bytes("somedata"));
        rawNode.proposeConfChange(ConfChangeI.of(testCc));
        proposed = true;
      }
    }
    long lastIndex = s.lastIndex();
    List<Entry> entries = s.entries(lastIndex - 1, lastIndex + 1, RaftConstants.NO_LIMIT);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(1).getData()).isEqualTo(testCc.toByteString());
    assertThat(cs).isEqualTo(expCs);
    assertThat(rawNode.raft().pendingConfIndex).isZero();

    // A follower does not leave the joint config.
    assertThat(rawNode.readyWithoutAccept().entries()).isEmpty();

    // Leader again: it leaves once the apply index moves.
    rawNode.campaign();
    Ready rd = null;
    for (int i = 0; i < 4; i++) {
      rd = rawNode.ready();
      s.append(rd.entries());
      if (i < 3) {
        rawNode.advance(rd);
      }
    }
    assertThat(rd.entries()).hasSize(1);
    assertThat(rd.entries().get(0).getType()).isEqualTo(EntryType.EntryConfChangeV2);
    ConfChangeV2 cc = ConfChangeV2.parseFrom(rd.entries().get(0).getData());
    assertThat(cc).isEqualTo(ConfChangeV2.getDefaultInstance());
    assertThat(rd.entries().get(0).hasData()).isFalse();
    assertThat(rawNode.applyConfChange(ConfChangeI.of(cc))).isEqualTo(exp2Cs);
  }

  /** Adding the same node twice does not block a later addition. */
  @Test
  void rawNodeProposeAddDuplicateNode() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rawNode = newTestRawNode(1, 10, 1, s);
    Ready rd = rawNode.ready();
    s.append(rd.entries());
    rawNode.advance(rd);
    rawNode.campaign();
    while (true) {
      rd = rawNode.ready();
      s.append(rd.entries());
      rawNode.advance(rd);
      if (rd.softState() != null && rd.softState().lead() == 1) {
        break;
      }
    }
    ConfChange cc1 =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(1).build();
    ConfChange cc2 =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(2).build();
    proposeConfChangeAndApply(rawNode, s, cc1);
    proposeConfChangeAndApply(rawNode, s, cc1);
    proposeConfChangeAndApply(rawNode, s, cc2);

    long lastIndex = s.lastIndex();
    List<Entry> entries = s.entries(lastIndex - 2, lastIndex + 1, RaftConstants.NO_LIMIT);
    assertThat(entries).hasSize(3);
    assertThat(entries.get(0).getData()).isEqualTo(cc1.toByteString());
    assertThat(entries.get(2).getData()).isEqualTo(cc2.toByteString());
  }

  private static void proposeConfChangeAndApply(RawNode rawNode, MemoryStorage s, ConfChange cc) {
    rawNode.proposeConfChange(ConfChangeI.of(cc));
    Ready rd = rawNode.ready();
    s.append(rd.entries());
    for (Entry e : rd.committedEntries()) {
      if (e.getType() == EntryType.EntryConfChange) {
        try {
          rawNode.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData())));
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    rawNode.advance(rd);
  }

  /** ReadStates come out in a Ready and are cleared; a leader answers its own read index. */
  @Test
  void rawNodeReadIndex() {
    List<ReadState> wrs = List.of(new ReadState(1, bytes("somedata")));
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rawNode = newTestRawNode(1, 10, 1, s);
    rawNode.raft().readStates = new ArrayList<>(wrs);
    assertThat(rawNode.hasReady()).isTrue();
    Ready rd = rawNode.ready();
    assertThat(rd.readStates()).isEqualTo(wrs);
    s.append(rd.entries());
    rawNode.advance(rd);
    assertThat(rawNode.raft().readStates).isEmpty();

    rawNode.campaign();
    while (true) {
      rd = rawNode.ready();
      s.append(rd.entries());
      rawNode.advance(rd);
      if (rd.softState() != null && rd.softState().lead() == 1) {
        break;
      }
    }
    rawNode.readIndex(bytes("somedata2"));
    rd = rawNode.ready();
    assertThat(rd.readStates())
        .containsExactly(new ReadState(rawNode.raft().raftLog.committed(), bytes("somedata2")));
  }

  /** A node bootstrapped with a ConfState snapshot campaigns, proposes and commits. */
  @Test
  void rawNodeStart() {
    List<Entry> entries =
        List.of(
            RaftTestUtil.entry(1, 2),
            Entry.newBuilder().setTerm(1).setIndex(3).setData(bytes("foo")).build());
    MemoryStorage storage =
        new MemoryStorage(List.of(RaftTestUtil.entry(0, 1)), RaftLogger.discard());
    assertThat(storage.firstIndex()).isEqualTo(2);
    assertThat(Util.isEmptyHardState(storage.initialState().hardState())).isTrue();
    storage.applySnapshot(
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(1)
                    .setTerm(0)
                    .setConfState(ConfState.newBuilder().addVoters(1)))
            .build());

    RawNode rawNode = newTestRawNode(1, 10, 1, storage);
    assertThat(rawNode.hasReady()).isFalse();

    rawNode.campaign();
    Ready rd = rawNode.ready();
    storage.append(rd.entries());
    rawNode.advance(rd);
    rawNode.propose(bytes("foo"));
    assertThat(rawNode.hasReady()).isTrue();

    rd = rawNode.ready();
    assertThat(rd.entries()).isEqualTo(entries);
    storage.append(rd.entries());
    rawNode.advance(rd);

    assertThat(rawNode.hasReady()).isTrue();
    rd = rawNode.ready();
    assertThat(rd.entries()).isEmpty();
    assertThat(rd.mustSync()).isFalse();
    rawNode.advance(rd);

    assertThat(rd.hardState())
        .isEqualTo(HardState.newBuilder().setTerm(1).setCommit(3).setVote(1).build());
    assertThat(rd.committedEntries()).isEqualTo(entries);
    assertThat(rd.snapshot()).isEqualTo(Snapshot.getDefaultInstance());
    assertThat(rawNode.hasReady()).isFalse();
  }

  /** On restart, entries up to the persisted commit index are handed out to apply. */
  @Test
  void rawNodeRestart() {
    List<Entry> entries =
        List.of(
            RaftTestUtil.entry(1, 1),
            Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("foo")).build());
    HardState st = HardState.newBuilder().setTerm(1).setCommit(1).build();
    MemoryStorage storage = newTestMemoryStorage(withPeers(1));
    storage.setHardState(st);
    storage.append(entries);
    RawNode rawNode = newTestRawNode(1, 10, 1, storage);
    Ready rd = rawNode.ready();
    assertThat(rd)
        .isEqualTo(
            new Ready(
                null,
                HardState.getDefaultInstance(),
                List.of(),
                List.of(),
                Snapshot.getDefaultInstance(),
                entries.subList(0, 1),
                List.of(),
                false));
    rawNode.advance(rd);
    assertThat(rawNode.hasReady()).isFalse();
  }

  @Test
  void rawNodeRestartFromSnapshot() {
    Snapshot snap =
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2))
                    .setIndex(2)
                    .setTerm(1))
            .build();
    List<Entry> entries =
        List.of(Entry.newBuilder().setTerm(1).setIndex(3).setData(bytes("foo")).build());
    MemoryStorage s = new MemoryStorage(RaftLogger.discard());
    s.setHardState(HardState.newBuilder().setTerm(1).setCommit(3).build());
    s.applySnapshot(snap);
    s.append(entries);
    RawNode rawNode = newTestRawNode(1, 10, 1, s);
    Ready rd = rawNode.ready();
    assertThat(rd)
        .isEqualTo(
            new Ready(
                null,
                HardState.getDefaultInstance(),
                List.of(),
                List.of(),
                Snapshot.getDefaultInstance(),
                entries,
                List.of(),
                false));
    rawNode.advance(rd);
    assertThat(rawNode.hasReady()).isFalse();
  }

  /** Status carries progress only on the leader, and the configuration. */
  @Test
  void rawNodeStatus() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rn = newTestRawNode(1, 10, 1, s);
    assertThat(rn.status().progress()).isEmpty();
    rn.campaign();
    Ready rd = rn.ready();
    s.append(rd.entries());
    rn.advance(rd);
    Status status = rn.status();
    assertThat(status.basic().softState().lead()).isEqualTo(1);
    assertThat(status.basic().softState().raftState()).isEqualTo(StateType.STATE_LEADER);
    Progress pr = rn.raft().trk.progress().get(1);
    ProgressView copy = status.progress().get(1L);
    assertThat(copy).isNotSameAs(pr);
    assertThat(copy.toString()).isEqualTo(pr.toString());
    assertThat(copy.state()).isEqualTo(ProgressState.STATE_REPLICATE);
    assertThat(status.config().toString()).isEqualTo("voters=(1)");
    assertThat(status.toString())
        .isEqualTo(
            "{\"id\":\"1\",\"term\":1,\"vote\":\"1\",\"commit\":0,\"lead\":\"1\",\"raftState\":\"StateLeader\","
                + "\"applied\":0,\"progress\":{\"1\":{\"match\":0,\"next\":1,\"state\":\"StateReplicate\"}},\"leadtransferee\":\"0\"}");
  }

  /**
   * After a restart whose storage ignores the size hint, committed entries are still applied
   * without a gap.
   */
  @Test
  void rawNodeCommitPaginationAfterRestart() {
    MemoryStorage ms = newTestMemoryStorage(withPeers(1));
    ms.setHardState(HardState.newBuilder().setTerm(1).setVote(1).setCommit(10).build());
    List<Entry> ents = new ArrayList<>();
    long size = 0;
    for (int i = 0; i < 10; i++) {
      Entry ent =
          Entry.newBuilder()
              .setTerm(1)
              .setIndex(i + 1)
              .setType(EntryType.EntryNormal)
              .setData(bytes("a"))
              .build();
      ents.add(ent);
      size += ent.getSerializedSize();
    }
    ms.append(ents);
    Config cfg = newTestConfig(1, 10, 1, new IgnoreSizeHintStorage(ms));
    // Suggests to Raft that the last committed entry does not fit in the first Ready; the
    // storage returns it anyway.
    cfg.setMaxSizePerMsg(size - ents.get(9).getSerializedSize() - 1);
    ms.append(
        List.of(
            Entry.newBuilder()
                .setTerm(1)
                .setIndex(11)
                .setType(EntryType.EntryNormal)
                .setData(bytes("boom"))
                .build()));
    RawNode rawNode = new RawNode(cfg);

    for (long highestApplied = 0; highestApplied != 11; ) {
      Ready rd = rawNode.ready();
      int n = rd.committedEntries().size();
      assertThat(n).as("stopped applying entries at index %d", highestApplied).isNotZero();
      long next = rd.committedEntries().get(0).getIndex();
      assertThat(highestApplied == 0 || highestApplied + 1 == next)
          .as("attempting to apply index %d after index %d, leaving a gap", next, highestApplied)
          .isTrue();
      highestApplied = rd.committedEntries().get(n - 1).getIndex();
      rawNode.advance(rd);
      rawNode.step(
          Message.newBuilder()
              .setType(MessageType.MsgHeartbeat)
              .setTo(1)
              .setFrom(2)
              .setTerm(1)
              .setCommit(11)
              .build());
    }
  }

  /** A partitioned leader's uncommitted tail is bounded by maxUncommittedEntriesSize. */
  @Test
  void rawNodeBoundedLogGrowthWithPartition() {
    int maxEntries = 16;
    ByteString data = bytes("testdata");
    long maxEntrySize = maxEntries * (long) data.size();
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    Config cfg = newTestConfig(1, 10, 1, s).setMaxUncommittedEntriesSize(maxEntrySize);
    RawNode rawNode = new RawNode(cfg);
    rawNode.campaign();
    while (true) {
      Ready rd = rawNode.ready();
      s.append(rd.entries());
      rawNode.advance(rd);
      if (!rd.committedEntries().isEmpty()) {
        break;
      }
    }
    int dropped = 0;
    for (int i = 0; i < 1024; i++) {
      try {
        rawNode.propose(data);
      } catch (ProposalDroppedException e) {
        dropped++;
      }
    }
    assertThat(dropped).isEqualTo(1024 - maxEntries);
    assertThat(rawNode.raft().uncommittedSize).isEqualTo(maxEntrySize);

    Ready rd = rawNode.ready();
    assertThat(rd.entries()).hasSize(maxEntries);
    s.append(rd.entries());
    rawNode.advance(rd);
    // Appended, not applied.
    assertThat(rawNode.raft().uncommittedSize).isEqualTo(maxEntrySize);

    rd = rawNode.ready();
    assertThat(rd.entries()).isEmpty();
    assertThat(rd.committedEntries()).hasSize(maxEntries);
    rawNode.advance(rd);
    assertThat(rawNode.raft().uncommittedSize).isZero();
  }

  /** readyWithoutAccept leaves messages in place; ready moves them; advance keeps new ones. */
  @Test
  void rawNodeConsumeReady() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rn = newTestRawNode(1, 3, 1, s);
    Message m1 = Message.newBuilder().setContext(bytes("foo")).build();
    Message m2 = Message.newBuilder().setContext(bytes("bar")).build();

    rn.raft().msgs.add(m1);
    Ready rd = rn.readyWithoutAccept();
    assertThat(rd.messages()).containsExactly(m1);
    assertThat(rn.raft().msgs).containsExactly(m1);

    rd = rn.ready();
    assertThat(rn.raft().msgs).isEmpty();
    assertThat(rd.messages()).containsExactly(m1);

    rn.raft().msgs.add(m2);
    rn.advance(rd);
    assertThat(rn.raft().msgs).containsExactly(m2);
  }

  @Test
  void mustSync_entriesTermOrVote_butNotCommitAlone() {
    HardState prev = HardState.newBuilder().setTerm(1).setVote(1).setCommit(1).build();
    assertThat(RawNode.mustSync(prev.toBuilder().setCommit(5).build(), prev, 0)).isFalse();
    assertThat(RawNode.mustSync(prev.toBuilder().setCommit(5).build(), prev, 1)).isTrue();
    assertThat(RawNode.mustSync(prev.toBuilder().setTerm(2).build(), prev, 0)).isTrue();
    assertThat(RawNode.mustSync(prev.toBuilder().setVote(2).build(), prev, 0)).isTrue();
  }
}
