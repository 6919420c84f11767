package io.raftj.raft.raftpb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class ConfChangesTest {

  record LeaveJointCase(String name, ConfChangeV2 cc, boolean want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<LeaveJointCase> leaveJointCases() {
    ConfChangeSingle addZero =
        ConfChangeSingle.newBuilder()
            .setType(ConfChangeType.ConfChangeAddNode)
            .setNodeId(0)
            .build();
    ConfChangeSingle removeZero =
        ConfChangeSingle.newBuilder()
            .setType(ConfChangeType.ConfChangeRemoveNode)
            .setNodeId(0)
            .build();
    return Stream.of(
        new LeaveJointCase("nothing set", ConfChangeV2.getDefaultInstance(), true),
        new LeaveJointCase(
            "auto transition set explicitly",
            ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.ConfChangeTransitionAuto)
                .build(),
            true),
        new LeaveJointCase(
            "context is ignored",
            ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.ConfChangeTransitionAuto)
                .setContext(ByteString.copyFromUtf8("some context"))
                .build(),
            true),
        new LeaveJointCase(
            "one change", ConfChangeV2.newBuilder().addChanges(addZero).build(), false),
        new LeaveJointCase(
            "implicit transition without changes",
            ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.ConfChangeTransitionJointImplicit)
                .build(),
            false),
        new LeaveJointCase(
            "explicit transition without changes",
            ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.ConfChangeTransitionJointExplicit)
                .build(),
            false),
        new LeaveJointCase(
            "auto transition with two changes",
            ConfChangeV2.newBuilder().addChanges(addZero).addChanges(removeZero).build(),
            false));
  }

  @ParameterizedTest
  @MethodSource("leaveJointCases")
  void leaveJoint(LeaveJointCase c) {
    assertThat(ConfChanges.leaveJoint(c.cc())).isEqualTo(c.want());
  }

  @Test
  void leaveJoint_coversEveryConfChangeV2Field() {
    // A new field in ConfChangeV2 may change what "leave joint" means; make it fail here first.
    assertThat(ConfChangeV2.getDescriptor().getFields())
        .extracting(f -> f.getName())
        .containsExactly("transition", "changes", "context");
  }

  @Test
  void enterJoint_decidesByTransitionAndChangeCount() {
    List<ConfChangeSingle> one = ConfChanges.fromString("v2");
    List<ConfChangeSingle> two = ConfChanges.fromString("v2 v3");
    assertThat(ConfChanges.enterJoint(v2(ConfChangeTransition.ConfChangeTransitionAuto, one)))
        .isEqualTo(new ConfChanges.EnterJoint(false, false));
    assertThat(ConfChanges.enterJoint(v2(ConfChangeTransition.ConfChangeTransitionAuto, List.of())))
        .isEqualTo(new ConfChanges.EnterJoint(false, false));
    assertThat(ConfChanges.enterJoint(v2(ConfChangeTransition.ConfChangeTransitionAuto, two)))
        .isEqualTo(new ConfChanges.EnterJoint(true, true));
    assertThat(
            ConfChanges.enterJoint(v2(ConfChangeTransition.ConfChangeTransitionJointImplicit, one)))
        .isEqualTo(new ConfChanges.EnterJoint(true, true));
    assertThat(
            ConfChanges.enterJoint(v2(ConfChangeTransition.ConfChangeTransitionJointExplicit, one)))
        .isEqualTo(new ConfChanges.EnterJoint(false, true));
  }

  @Test
  void fromString_parsesEveryKind_andToStringRoundTrips() {
    List<ConfChangeSingle> ccs = ConfChanges.fromString("  v1 l2 r3 u18446744073709551615 ");
    assertThat(ccs)
        .extracting(ConfChangeSingle::getType)
        .containsExactly(
            ConfChangeType.ConfChangeAddNode,
            ConfChangeType.ConfChangeAddLearnerNode,
            ConfChangeType.ConfChangeRemoveNode,
            ConfChangeType.ConfChangeUpdateNode);
    assertThat(ccs).extracting(ConfChangeSingle::getNodeId).containsExactly(1L, 2L, 3L, -1L);
    assertThat(ConfChanges.toString(ccs)).isEqualTo("v1 l2 r3 u18446744073709551615");
    assertThat(ConfChanges.fromString("   ")).isEmpty();
    assertThat(ConfChanges.toString(List.of())).isEmpty();
  }

  @Test
  void fromString_badTokens_failWithEtcdTexts() {
    assertThatThrownBy(() -> ConfChanges.fromString("v1 x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown token x");
    assertThatThrownBy(() -> ConfChanges.fromString("v1  v2")).hasMessage("unknown token ");
    assertThatThrownBy(() -> ConfChanges.fromString("x1")).hasMessage("unknown input: x1");
    assertThatThrownBy(() -> ConfChanges.fromString("vx"))
        .hasMessage("strconv.ParseUint: parsing \"x\": invalid syntax");
    assertThatThrownBy(() -> ConfChanges.fromString("v-1"))
        .hasMessage("strconv.ParseUint: parsing \"-1\": invalid syntax");
    assertThatThrownBy(() -> ConfChanges.fromString("v18446744073709551616"))
        .hasMessage("strconv.ParseUint: parsing \"18446744073709551616\": value out of range");
  }

  @Test
  void confChangeI_v1_convertsAsEtcdAsV2() {
    ConfChange cc =
        ConfChange.newBuilder()
            .setType(ConfChangeType.ConfChangeRemoveNode)
            .setNodeId(7)
            .setContext(ByteString.copyFromUtf8("ctx"))
            .build();
    ConfChangeI i = ConfChangeI.of(cc);
    ConfChangeV2 v2 = i.asV2();
    assertThat(v2.hasTransition()).isFalse();
    assertThat(v2.getContext().toStringUtf8()).isEqualTo("ctx");
    assertThat(ConfChanges.toString(v2.getChangesList())).isEqualTo("r7");
    assertThat(i.asV1OrNull()).isSameAs(cc);
    assertThat(i.entryType()).isEqualTo(EntryType.EntryConfChange);
    assertThat(i.marshal()).isEqualTo(cc.toByteString());

    // A V1 change without context converts to a V2 change without context; type and ID are set
    // even when they hold their zero values, as etcd sets them.
    ConfChangeV2 bare = ConfChangeI.of(ConfChange.getDefaultInstance()).asV2();
    assertThat(bare.hasContext()).isFalse();
    assertThat(bare.getChanges(0).hasType()).isTrue();
    assertThat(bare.getChanges(0).hasNodeId()).isTrue();
  }

  @Test
  void confChangeI_v2_isItsOwnV2() throws Exception {
    ConfChangeV2 cc = v2(ConfChangeTransition.ConfChangeTransitionJointExplicit, List.of());
    ConfChangeI i = ConfChangeI.of(cc);
    assertThat(i.asV2()).isSameAs(cc);
    assertThat(i.asV1OrNull()).isNull();
    assertThat(i.entryType()).isEqualTo(EntryType.EntryConfChangeV2);
    assertThat(ConfChangeV2.parseFrom(i.marshal())).isEqualTo(cc);
    assertThat(ConfChangeI.of(ConfChangeV2.getDefaultInstance()).marshal().isEmpty()).isTrue();
  }

  private static ConfChangeV2 v2(ConfChangeTransition t, List<ConfChangeSingle> changes) {
    return ConfChangeV2.newBuilder().setTransition(t).addAllChanges(changes).build();
  }
}
