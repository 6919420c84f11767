package io.raftj.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.ReadState;
import io.raftj.raft.Ready;
import io.raftj.raft.SoftState;
import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeSingle;
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
import java.util.List;
import org.junit.jupiter.api.Test;

final class DescribeTest {

  private static final EntryFormatter UPPER = data -> data.toStringUtf8().toUpperCase();

  private static Entry entry(long term, long index, String data) {
    return Entry.newBuilder()
        .setTerm(term)
        .setIndex(index)
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  @Test
  void describeEntry() {
    Entry e =
        Entry.newBuilder()
            .setTerm(1)
            .setIndex(2)
            .setType(EntryType.EntryNormal)
            .setData(ByteString.copyFromUtf8("hello\u0000world"))
            .build();
    assertThat(Describe.describeEntry(e, null)).isEqualTo("1/2 EntryNormal \"hello\\x00world\"");
    assertThat(Describe.describeEntry(e, UPPER)).isEqualTo("1/2 EntryNormal HELLO\u0000WORLD");
  }

  @Test
  void describeEntry_emptyPayloadPrintsQuotes() {
    assertThat(Describe.describeEntry(Entry.newBuilder().setTerm(1).setIndex(3).build(), null))
        .isEqualTo("1/3 EntryNormal \"\"");
  }

  @Test
  void describeEntry_decodesConfChanges() {
    ConfChange v1 =
        ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(2).build();
    Entry e1 =
        Entry.newBuilder()
            .setTerm(1)
            .setIndex(4)
            .setType(EntryType.EntryConfChange)
            .setData(v1.toByteString())
            .build();
    assertThat(Describe.describeEntry(e1, null)).isEqualTo("1/4 EntryConfChange v2");

    ConfChangeV2 v2 =
        ConfChangeV2.newBuilder()
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeRemoveNode)
                    .setNodeId(1))
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddNode)
                    .setNodeId(4))
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddLearnerNode)
                    .setNodeId(5))
            .build();
    Entry e2 =
        Entry.newBuilder()
            .setTerm(1)
            .setIndex(4)
            .setType(EntryType.EntryConfChangeV2)
            .setData(v2.toByteString())
            .build();
    assertThat(Describe.describeEntry(e2, null)).isEqualTo("1/4 EntryConfChangeV2 r1 v4 l5");

    Entry leave =
        Entry.newBuilder().setTerm(1).setIndex(6).setType(EntryType.EntryConfChangeV2).build();
    assertThat(Describe.describeEntry(leave, null)).isEqualTo("1/6 EntryConfChangeV2");
  }

  @Test
  void describeMessage_appendWithOneEntry() {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setLogTerm(1)
            .setIndex(2)
            .setCommit(2)
            .addEntries(Entry.newBuilder().setTerm(1).setIndex(3))
            .build();
    assertThat(Describe.describeMessage(m, null))
        .isEqualTo("1->2 MsgApp Term:1 Log:1/2 Commit:2 Entries:[1/3 EntryNormal \"\"]");
  }

  @Test
  void describeMessage_rejectionPrintsHintAndHexIds() {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgAppResp)
            .setFrom(26)
            .setTo(1)
            .setTerm(1)
            .setIndex(3)
            .setReject(true)
            .setRejectHint(0)
            .build();
    assertThat(Describe.describeMessage(m, null))
        .isEqualTo("1a->1 MsgAppResp Term:1 Log:0/3 Rejected (Hint: 0)");
  }

  @Test
  void describeMessage_multipleEntriesSnapshotAndResponses() {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgStorageAppend)
            .setFrom(1)
            .setTo(RaftConstants.LOCAL_APPEND_THREAD)
            .setCommit(10)
            .setVote(1)
            .addEntries(entry(1, 11, "a"))
            .addEntries(entry(1, 12, "b"))
            .addResponses(
                Message.newBuilder()
                    .setType(MessageType.MsgVoteResp)
                    .setFrom(1)
                    .setTo(1)
                    .setTerm(1))
            .addResponses(
                Message.newBuilder()
                    .setType(MessageType.MsgStorageAppendResp)
                    .setFrom(RaftConstants.LOCAL_APPEND_THREAD)
                    .setTo(1)
                    .setTerm(1)
                    .setLogTerm(1)
                    .setIndex(12))
            .build();
    assertThat(Describe.describeMessage(m, null))
        .isEqualTo(
            "1->AppendThread MsgStorageAppend Term:0 Log:0/0 Commit:10 Vote:1 Entries:[\n"
                + "  1/11 EntryNormal \"a\"\n"
                + "  1/12 EntryNormal \"b\"\n"
                + "] Responses:[\n"
                + "  1->1 MsgVoteResp Term:1 Log:0/0\n"
                + "  AppendThread->1 MsgStorageAppendResp Term:1 Log:1/12\n"
                + "]");

    Snapshot snap = snapshot(4, 1, ConfState.newBuilder().addVoters(1).addVoters(2).build());
    Message s =
        Message.newBuilder()
            .setType(MessageType.MsgSnap)
            .setFrom(1)
            .setTo(2)
            .setTerm(1)
            .setSnapshot(snap)
            .build();
    assertThat(Describe.describeMessage(s, null))
        .isEqualTo(
            "1->2 MsgSnap Term:1 Log:0/0\n"
                + "  Snapshot: Index:4 Term:1 ConfState:Voters:[1 2] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false");
  }

  @Test
  void describeMessage_noneTarget() {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgProp)
            .setTo(RaftConstants.LOCAL_APPLY_THREAD)
            .build();
    assertThat(Describe.describeMessage(m, null))
        .isEqualTo("None->ApplyThread MsgProp Term:0 Log:0/0");
  }

  @Test
  void describeHardSoftAndConfState() {
    assertThat(
            Describe.describeHardState(
                HardState.newBuilder().setTerm(1).setVote(1).setCommit(3).build()))
        .isEqualTo("Term:1 Vote:1 Commit:3");
    assertThat(Describe.describeHardState(HardState.newBuilder().setTerm(1).build()))
        .isEqualTo("Term:1 Commit:0");
    assertThat(Describe.describeSoftState(new SoftState(0, StateType.STATE_CANDIDATE)))
        .isEqualTo("Lead:0 State:StateCandidate");
    ConfState cs =
        ConfState.newBuilder()
            .addVoters(1)
            .addVoters(2)
            .addVoters(3)
            .addVotersOutgoing(1)
            .setAutoLeave(true)
            .build();
    assertThat(Describe.describeConfState(cs))
        .isEqualTo("Voters:[1 2 3] VotersOutgoing:[1] Learners:[] LearnersNext:[] AutoLeave:true");
  }

  @Test
  void describeReady_sectionsInOrder() {
    Ready rd =
        new Ready(
            new SoftState(1, StateType.STATE_LEADER),
            HardState.newBuilder().setTerm(2).setVote(1).setCommit(3).build(),
            List.of(new ReadState(11, ByteString.copyFromUtf8("ctx"))),
            List.of(entry(2, 4, "x")),
            snapshot(3, 1, ConfState.newBuilder().addVoters(1).build()),
            List.of(entry(1, 3, "")),
            List.of(
                Message.newBuilder()
                    .setType(MessageType.MsgHeartbeat)
                    .setFrom(1)
                    .setTo(2)
                    .setTerm(2)
                    .build()),
            true);
    assertThat(Describe.describeReady(rd, null))
        .isEqualTo(
            "Ready MustSync=true:\n"
                + "Lead:1 State:StateLeader\n"
                + "HardState Term:2 Vote:1 Commit:3\n"
                + "ReadStates [{11 [99 116 120]}]\n"
                + "Entries:\n"
                + "2/4 EntryNormal \"x\"\n"
                + "Snapshot Index:3 Term:1 ConfState:Voters:[1] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false\n"
                + "CommittedEntries:\n"
                + "1/3 EntryNormal \"\"\n"
                + "Messages:\n"
                + "1->2 MsgHeartbeat Term:2 Log:0/0\n");
  }

  @Test
  void describeReady_emptyHasNoNewline() {
    Ready rd =
        new Ready(
            null,
            HardState.getDefaultInstance(),
            List.of(),
            List.of(),
            Snapshot.getDefaultInstance(),
            List.of(),
            List.of(),
            false);
    assertThat(Describe.describeReady(rd, null)).isEqualTo("<empty Ready>");
  }

  @Test
  void describeConfChange_listsChangesAndQuotedContext() {
    ConfChange cc =
        ConfChange.newBuilder()
            .setType(ConfChangeType.ConfChangeAddNode)
            .setNodeId(3)
            .setContext(ByteString.copyFromUtf8("ab\""))
            .build();
    assertThat(
            Describe.describeConfChange(
                ConfChangeV2.newBuilder()
                    .addChanges(
                        ConfChangeSingle.newBuilder()
                            .setType(cc.getType())
                            .setNodeId(cc.getNodeId()))
                    .setContext(cc.getContext())
                    .build()))
        .isEqualTo(
            "transition:ConfChangeTransitionAuto changes:{type:ConfChangeAddNode node_id:3} context:\"ab\\\"\"");
  }

  private static Snapshot snapshot(long index, long term, ConfState cs) {
    return Snapshot.newBuilder()
        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs))
        .build();
  }
}
