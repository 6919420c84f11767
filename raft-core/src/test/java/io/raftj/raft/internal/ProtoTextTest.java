package io.raftj.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import org.junit.jupiter.api.Test;

/** Protobuf values under {@code %v} print as Go's compact text form (prototext, one line). */
final class ProtoTextTest {

  @Test
  void confState_withAndWithoutAutoLeave_printsOnlyPresentFields() {
    ConfState unset = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
    assertThat(GoFormat.format("%v", unset)).isEqualTo("voters:1 voters:2 voters:3");
    assertThat(GoFormat.format("%v", unset.toBuilder().setAutoLeave(false).build()))
        .isEqualTo("voters:1 voters:2 voters:3 auto_leave:false");
  }

  @Test
  void fields_printInDeclarationOrder_notByNumber() {
    // Entry declares Term (2), Index (3), Type (1), Data (4), as etcd's raft.proto does.
    Entry e = Entry.newBuilder().setType(EntryType.EntryConfChange).setIndex(2).setTerm(1).build();
    assertThat(GoFormat.format("%v", e)).isEqualTo("Term:1 Index:2 Type:EntryConfChange");
  }

  @Test
  void nestedMessages_printInBraces_withoutInnerPadding() {
    Snapshot s =
        Snapshot.newBuilder()
            .setData(ByteString.copyFromUtf8("d"))
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setConfState(ConfState.newBuilder().addVoters(1))
                    .setIndex(5)
                    .setTerm(2))
            .build();
    assertThat(GoFormat.format("%v", s))
        .isEqualTo("data:\"d\" metadata:{conf_state:{voters:1} index:5 term:2}");
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setTo(2)
            .addEntries(Entry.newBuilder().setTerm(1).setIndex(1))
            .addEntries(Entry.newBuilder().setTerm(1).setIndex(2))
            .build();
    assertThat(GoFormat.format("%v", m))
        .isEqualTo("type:MsgApp to:2 entries:{Term:1 Index:1} entries:{Term:1 Index:2}");
  }

  @Test
  void uint64_printsUnsigned_andEmptyMessage_printsNothing() {
    HardState hs = HardState.newBuilder().setTerm(-1L).build();
    assertThat(GoFormat.format("[%v]", hs)).isEqualTo("[term:18446744073709551615]");
    assertThat(GoFormat.format("[%v]", HardState.getDefaultInstance())).isEqualTo("[]");
  }

  @Test
  void bytes_printQuotedWithGoEscapes() {
    byte[] raw = {'a', '"', '\\', '\n', '\t', 0x01, (byte) 0xff, (byte) 0xc3, (byte) 0xa9, '\''};
    Entry e = Entry.newBuilder().setData(ByteString.copyFrom(raw)).build();
    assertThat(GoFormat.format("%v", e)).isEqualTo("Data:\"a\\\"\\\\\\n\\t\\x01\\xffé'\"");
  }

  @Test
  void unknownFields_printLastByNumber() {
    HardState hs =
        HardState.newBuilder()
            .setTerm(1)
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(20, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                    .build())
            .build();
    assertThat(GoFormat.format("%v", hs)).isEqualTo("term:1 20:7");
  }
}
