package io.raftj.raft.raftpb;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Checks raftj's protocol types against the proto2 wire layout of etcd raft v3.7.0's raftpb, byte
 * for byte, in both directions.
 *
 * <p>The expected bytes are built here from etcd's field numbers and wire types with a varint
 * writer of this test's own, not with protobuf-java. etcd's Go encoder writes fields in
 * field-number order (so {@code Entry.Type}, number 1, comes first, and {@code Message.vote},
 * number 13, after {@code context}), writes repeated scalars unpacked (proto2 without {@code
 * packed}), and leaves out every field that is not set.
 */
final class WireFormatTest {

  // Wire types.
  private static final int VARINT = 0;
  private static final int LEN = 2;

  /** Node IDs above 2^63, as etcd member IDs often are. */
  private static final long ID_HIGH = 0x8000000000000001L;

  private static final long ID_MAX = 0xFFFFFFFFFFFFFFFEL;
  private static final long VOTE_HIGH = 0x9A3F5C7E00000001L;

  /** A proto2 encoder for expected bytes: fields are written in the order the test calls. */
  private static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static void rawVarint(ByteArrayOutputStream out, long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    Wire tag(int field, int wireType) {
      rawVarint(out, ((long) field << 3) | wireType);
      return this;
    }

    Wire uint64(int field, long v) {
      tag(field, VARINT);
      rawVarint(out, v);
      return this;
    }

    Wire bool(int field, boolean v) {
      return uint64(field, v ? 1 : 0);
    }

    Wire bytes(int field, byte[] b) {
      tag(field, LEN);
      rawVarint(out, b.length);
      out.writeBytes(b);
      return this;
    }

    Wire string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Wire message(int field, Wire m) {
      return bytes(field, m.build());
    }

    byte[] build() {
      return out.toByteArray();
    }
  }

  private static Wire wire() {
    return new Wire();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void varintWriter_matchesLiteralBytes() {
    // Anchors the test's own encoder to hand-computed bytes.
    assertThat(wire().uint64(2, 1).build()).isEqualTo(hex("10 01"));
    assertThat(wire().uint64(6, 300).build()).isEqualTo(hex("30 ac 02"));
    assertThat(wire().uint64(2, ID_HIGH).build())
        .isEqualTo(hex("10 81 80 80 80 80 80 80 80 80 01"));
    assertThat(wire().uint64(13, -1L).build()).isEqualTo(hex("68 ff ff ff ff ff ff ff ff ff 01"));
    assertThat(wire().string(12, "ctx").build()).isEqualTo(hex("62 03 63 74 78"));
  }

  @Test
  void entry_literalBytes() {
    Entry e =
        Entry.newBuilder()
            .setTerm(1)
            .setIndex(2)
            .setType(EntryType.EntryConfChange)
            .setData(ByteString.copyFromUtf8("x"))
            .build();
    assertThat(e.toByteArray()).isEqualTo(hex("08 01 10 01 18 02 22 01 78"));
  }

  private static Entry confChangeEntry() {
    return Entry.newBuilder()
        .setTerm(7)
        .setIndex(ID_HIGH)
        .setType(EntryType.EntryConfChangeV2)
        .setData(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 10}))
        .build();
  }

  private static Wire confChangeEntryWire() {
    return wire().uint64(1, 2).uint64(2, 7).uint64(3, ID_HIGH).bytes(4, new byte[] {0, -1, 10});
  }

  private static Entry proposalEntry() {
    return Entry.newBuilder()
        .setTerm(5)
        .setIndex(300)
        .setData(ByteString.copyFromUtf8("v"))
        .build();
  }

  private static Wire proposalEntryWire() {
    return wire().uint64(2, 5).uint64(3, 300).string(4, "v");
  }

  private static ConfState fullConfState() {
    return ConfState.newBuilder()
        .addVoters(1)
        .addVoters(ID_HIGH)
        .addLearners(ID_MAX)
        .addVotersOutgoing(1)
        .addVotersOutgoing(3)
        .addLearnersNext(3)
        .setAutoLeave(true)
        .build();
  }

  private static Wire fullConfStateWire() {
    return wire()
        .uint64(1, 1)
        .uint64(1, ID_HIGH)
        .uint64(2, ID_MAX)
        .uint64(3, 1)
        .uint64(3, 3)
        .uint64(4, 3)
        .bool(5, true);
  }

  private static Snapshot fullSnapshot() {
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8("state"))
        .setMetadata(
            SnapshotMetadata.newBuilder()
                .setConfState(fullConfState())
                .setIndex(ID_HIGH)
                .setTerm(9))
        .build();
  }

  private static Wire fullSnapshotWire() {
    return wire()
        .string(1, "state")
        .message(2, wire().message(1, fullConfStateWire()).uint64(2, ID_HIGH).uint64(3, 9));
  }

  private static Message response() {
    return Message.newBuilder()
        .setType(MessageType.MsgAppResp)
        .setTo(ID_HIGH)
        .setFrom(ID_MAX)
        .setTerm(5)
        .setIndex(301)
        .build();
  }

  private static Wire responseWire() {
    return wire().uint64(1, 4).uint64(2, ID_HIGH).uint64(3, ID_MAX).uint64(4, 5).uint64(6, 301);
  }

  private static Message fullMessage() {
    return Message.newBuilder()
        .setType(MessageType.MsgStorageAppend)
        .setTo(-1L) // LocalAppendThread, math.MaxUint64
        .setFrom(ID_HIGH)
        .setTerm(5)
        .setLogTerm(4)
        .setIndex(299)
        .addEntries(proposalEntry())
        .addEntries(confChangeEntry())
        .setCommit(298)
        .setVote(VOTE_HIGH)
        .setSnapshot(fullSnapshot())
        .setReject(true)
        .setRejectHint(ID_MAX)
        .setContext(ByteString.copyFromUtf8("ctx"))
        .addResponses(response())
        .addResponses(Message.newBuilder().setType(MessageType.MsgHup).build())
        .build();
  }

  private static byte[] fullMessageWire() {
    return wire()
        .uint64(1, 19)
        .uint64(2, -1L)
        .uint64(3, ID_HIGH)
        .uint64(4, 5)
        .uint64(5, 4)
        .uint64(6, 299)
        .message(7, proposalEntryWire())
        .message(7, confChangeEntryWire())
        .uint64(8, 298)
        .message(9, fullSnapshotWire())
        .bool(10, true)
        .uint64(11, ID_MAX)
        .string(12, "ctx")
        .uint64(13, VOTE_HIGH)
        .message(14, responseWire())
        .message(14, wire().uint64(1, 0))
        .build();
  }

  @Test
  void message_everyFieldSet_encodesAsEtcd() {
    assertThat(fullMessage().toByteArray()).isEqualTo(fullMessageWire());
    assertThat(fullMessage().getSerializedSize()).isEqualTo(fullMessageWire().length);
  }

  @Test
  void message_everyFieldSet_parsesFromEtcdBytes() throws InvalidProtocolBufferException {
    Message m = Message.parseFrom(fullMessageWire());
    assertThat(m.getType()).isEqualTo(MessageType.MsgStorageAppend);
    assertThat(m.getTo()).isEqualTo(-1L);
    assertThat(Long.toUnsignedString(m.getTo())).isEqualTo("18446744073709551615");
    assertThat(m.getFrom()).isEqualTo(ID_HIGH);
    assertThat(m.getTerm()).isEqualTo(5);
    assertThat(m.getLogTerm()).isEqualTo(4);
    assertThat(m.getIndex()).isEqualTo(299);
    assertThat(m.getEntriesList()).containsExactly(proposalEntry(), confChangeEntry());
    assertThat(m.getEntries(0).hasType()).isFalse();
    assertThat(m.getCommit()).isEqualTo(298);
    assertThat(m.getVote()).isEqualTo(VOTE_HIGH);
    assertThat(m.getSnapshot().getData().toStringUtf8()).isEqualTo("state");
    assertThat(m.getSnapshot().getMetadata().getIndex()).isEqualTo(ID_HIGH);
    assertThat(m.getSnapshot().getMetadata().getTerm()).isEqualTo(9);
    assertThat(m.getSnapshot().getMetadata().getConfState()).isEqualTo(fullConfState());
    assertThat(m.getReject()).isTrue();
    assertThat(m.getRejectHint()).isEqualTo(ID_MAX);
    assertThat(m.getContext().toStringUtf8()).isEqualTo("ctx");
    assertThat(m.getResponsesList()).hasSize(2);
    assertThat(m.getResponses(0)).isEqualTo(response());
    assertThat(m.getResponses(1).hasType()).isTrue();
    assertThat(m.getResponses(1).getType()).isEqualTo(MessageType.MsgHup);
    assertThat(m.getResponses(1).hasTo()).isFalse();
    assertThat(m).isEqualTo(fullMessage());
  }

  @Test
  void message_eachTypeNumber_matchesEtcd() throws InvalidProtocolBufferException {
    String[] names = {
      "MsgHup",
      "MsgBeat",
      "MsgProp",
      "MsgApp",
      "MsgAppResp",
      "MsgVote",
      "MsgVoteResp",
      "MsgSnap",
      "MsgHeartbeat",
      "MsgHeartbeatResp",
      "MsgUnreachable",
      "MsgSnapStatus",
      "MsgCheckQuorum",
      "MsgTransferLeader",
      "MsgTimeoutNow",
      "MsgReadIndex",
      "MsgReadIndexResp",
      "MsgPreVote",
      "MsgPreVoteResp",
      "MsgStorageAppend",
      "MsgStorageAppendResp",
      "MsgStorageApply",
      "MsgStorageApplyResp",
      "MsgForgetLeader"
    };
    assertThat(MessageType.values()).hasSize(names.length);
    for (int n = 0; n < names.length; n++) {
      MessageType t = MessageType.valueOf(names[n]);
      assertThat(t.getNumber()).isEqualTo(n);
      byte[] b = wire().uint64(1, n).build();
      assertThat(Message.newBuilder().setType(t).build().toByteArray()).isEqualTo(b);
      assertThat(Message.parseFrom(b).getType()).isEqualTo(t);
    }
  }

  @Test
  void entry_roundTrip() throws InvalidProtocolBufferException {
    assertThat(confChangeEntry().toByteArray()).isEqualTo(confChangeEntryWire().build());
    assertThat(Entry.parseFrom(confChangeEntryWire().build())).isEqualTo(confChangeEntry());
    Entry parsed = Entry.parseFrom(proposalEntryWire().build());
    assertThat(parsed.getTerm()).isEqualTo(5);
    assertThat(parsed.getIndex()).isEqualTo(300);
    assertThat(parsed.getData().toStringUtf8()).isEqualTo("v");
    assertThat(parsed.hasType()).isFalse();
    assertThat(parsed.getType()).isEqualTo(EntryType.EntryNormal);
  }

  @Test
  void entry_unsetFieldsAreNotEncoded_presenceIsBehaviour() {
    // A normal proposal as etcd builds it has no Type on the wire...
    Entry proposal = proposalEntry();
    assertThat(proposal.toByteArray()).isEqualTo(proposalEntryWire().build());
    // ...while an explicitly set EntryNormal costs two bytes (tag 0x08, value 0x00), which size
    // limits count.
    Entry typed = proposal.toBuilder().setType(EntryType.EntryNormal).build();
    assertThat(typed.toByteArray())
        .isEqualTo(wire().uint64(1, 0).uint64(2, 5).uint64(3, 300).string(4, "v").build());
    assertThat(typed.getSerializedSize()).isEqualTo(proposal.getSerializedSize() + 2);
    // The empty entry a new leader appends carries term and index only.
    Entry empty = Entry.newBuilder().setTerm(2).setIndex(1).build();
    assertThat(empty.toByteArray()).isEqualTo(hex("10 02 18 01"));
    // Set to zero is still present; unset is absent.
    assertThat(Entry.newBuilder().setTerm(0).build().toByteArray()).isEqualTo(hex("10 00"));
    assertThat(Entry.getDefaultInstance().toByteArray()).isEmpty();
    assertThat(Message.getDefaultInstance().toByteArray()).isEmpty();
    // An empty Data that is set is written as a zero-length field.
    assertThat(Entry.newBuilder().setData(ByteString.EMPTY).build().toByteArray())
        .isEqualTo(hex("22 00"));
  }

  @Test
  void hardState_roundTrip() throws InvalidProtocolBufferException {
    HardState hs = HardState.newBuilder().setTerm(1).setVote(ID_HIGH).setCommit(3).build();
    byte[] b = wire().uint64(1, 1).uint64(2, ID_HIGH).uint64(3, 3).build();
    assertThat(hs.toByteArray()).isEqualTo(b);
    HardState parsed = HardState.parseFrom(b);
    assertThat(parsed.getTerm()).isEqualTo(1);
    assertThat(parsed.getVote()).isEqualTo(ID_HIGH);
    assertThat(parsed.getCommit()).isEqualTo(3);
    assertThat(HardState.newBuilder().setTerm(1).setVote(2).setCommit(3).build().toByteArray())
        .isEqualTo(hex("08 01 10 02 18 03"));
  }

  @Test
  void confState_roundTrip_unpackedRepeated() throws InvalidProtocolBufferException {
    byte[] b = fullConfStateWire().build();
    assertThat(fullConfState().toByteArray()).isEqualTo(b);
    ConfState parsed = ConfState.parseFrom(b);
    assertThat(parsed.getVotersList()).containsExactly(1L, ID_HIGH);
    assertThat(parsed.getLearnersList()).containsExactly(ID_MAX);
    assertThat(parsed.getVotersOutgoingList()).containsExactly(1L, 3L);
    assertThat(parsed.getLearnersNextList()).containsExactly(3L);
    assertThat(parsed.getAutoLeave()).isTrue();
  }

  @Test
  void confState_packedRepeated_parsesToo() throws InvalidProtocolBufferException {
    // Parsers accept the packed form of a repeated scalar as well.
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    Wire.rawVarint(payload, 1);
    Wire.rawVarint(payload, ID_HIGH);
    ConfState parsed = ConfState.parseFrom(wire().bytes(1, payload.toByteArray()).build());
    assertThat(parsed.getVotersList()).containsExactly(1L, ID_HIGH);
  }

  @Test
  void snapshot_roundTrip() throws InvalidProtocolBufferException {
    byte[] b = fullSnapshotWire().build();
    assertThat(fullSnapshot().toByteArray()).isEqualTo(b);
    Snapshot parsed = Snapshot.parseFrom(b);
    assertThat(parsed.getData().toStringUtf8()).isEqualTo("state");
    assertThat(parsed.getMetadata().getIndex()).isEqualTo(ID_HIGH);
    assertThat(parsed.getMetadata().getTerm()).isEqualTo(9);
    assertThat(parsed.getMetadata().getConfState().getVotersList()).containsExactly(1L, ID_HIGH);
  }

  @Test
  void confChange_roundTrip() throws InvalidProtocolBufferException {
    ConfChange cc =
        ConfChange.newBuilder()
            .setId(42)
            .setType(ConfChangeType.ConfChangeAddLearnerNode)
            .setNodeId(ID_HIGH)
            .setContext(ByteString.copyFromUtf8("ctx"))
            .build();
    // id is field 1, so it comes first although it is declared last.
    byte[] b = wire().uint64(1, 42).uint64(2, 3).uint64(3, ID_HIGH).string(4, "ctx").build();
    assertThat(cc.toByteArray()).isEqualTo(b);
    ConfChange parsed = ConfChange.parseFrom(b);
    assertThat(parsed.getId()).isEqualTo(42);
    assertThat(parsed.getType()).isEqualTo(ConfChangeType.ConfChangeAddLearnerNode);
    assertThat(parsed.getNodeId()).isEqualTo(ID_HIGH);
    assertThat(parsed.getContext().toStringUtf8()).isEqualTo("ctx");
  }

  @Test
  void confChangeV2_roundTrip() throws InvalidProtocolBufferException {
    ConfChangeV2 cc =
        ConfChangeV2.newBuilder()
            .setTransition(ConfChangeTransition.ConfChangeTransitionJointExplicit)
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeRemoveNode)
                    .setNodeId(ID_HIGH))
            .addChanges(
                ConfChangeSingle.newBuilder()
                    .setType(ConfChangeType.ConfChangeUpdateNode)
                    .setNodeId(2))
            .setContext(ByteString.copyFromUtf8("c"))
            .build();
    byte[] b =
        wire()
            .uint64(1, 2)
            .message(2, wire().uint64(1, 1).uint64(2, ID_HIGH))
            .message(2, wire().uint64(1, 2).uint64(2, 2))
            .string(3, "c")
            .build();
    assertThat(cc.toByteArray()).isEqualTo(b);
    ConfChangeV2 parsed = ConfChangeV2.parseFrom(b);
    assertThat(parsed.getTransition())
        .isEqualTo(ConfChangeTransition.ConfChangeTransitionJointExplicit);
    assertThat(parsed.getChangesList()).hasSize(2);
    assertThat(parsed.getChanges(0).getType()).isEqualTo(ConfChangeType.ConfChangeRemoveNode);
    assertThat(parsed.getChanges(0).getNodeId()).isEqualTo(ID_HIGH);
    assertThat(parsed.getChanges(1).getType()).isEqualTo(ConfChangeType.ConfChangeUpdateNode);
    assertThat(parsed.getChanges(1).getNodeId()).isEqualTo(2);
    assertThat(parsed.getContext().toStringUtf8()).isEqualTo("c");
    // The leave-joint change is an empty ConfChangeV2: nothing on the wire.
    assertThat(ConfChangeV2.getDefaultInstance().toByteArray()).isEmpty();
  }

  @Test
  void enumNumbers_matchEtcd() {
    assertThat(EntryType.EntryNormal.getNumber()).isZero();
    assertThat(EntryType.EntryConfChange.getNumber()).isEqualTo(1);
    assertThat(EntryType.EntryConfChangeV2.getNumber()).isEqualTo(2);
    assertThat(ConfChangeType.ConfChangeAddNode.getNumber()).isZero();
    assertThat(ConfChangeType.ConfChangeRemoveNode.getNumber()).isEqualTo(1);
    assertThat(ConfChangeType.ConfChangeUpdateNode.getNumber()).isEqualTo(2);
    assertThat(ConfChangeType.ConfChangeAddLearnerNode.getNumber()).isEqualTo(3);
    assertThat(ConfChangeTransition.ConfChangeTransitionAuto.getNumber()).isZero();
    assertThat(ConfChangeTransition.ConfChangeTransitionJointImplicit.getNumber()).isEqualTo(1);
    assertThat(ConfChangeTransition.ConfChangeTransitionJointExplicit.getNumber()).isEqualTo(2);
  }

  @Test
  void parsing_acceptsFieldsInAnyOrder() throws InvalidProtocolBufferException {
    byte[] reversed = wire().uint64(13, 2).uint64(4, 3).uint64(2, ID_HIGH).uint64(1, 5).build();
    Message m = Message.parseFrom(reversed);
    assertThat(m.getType()).isEqualTo(MessageType.MsgVote);
    assertThat(m.getTo()).isEqualTo(ID_HIGH);
    assertThat(m.getTerm()).isEqualTo(3);
    assertThat(m.getVote()).isEqualTo(2);
    // Re-encoding puts them in field-number order, as etcd does.
    assertThat(m.toByteArray())
        .isEqualTo(wire().uint64(1, 5).uint64(2, ID_HIGH).uint64(4, 3).uint64(13, 2).build());
  }
}
