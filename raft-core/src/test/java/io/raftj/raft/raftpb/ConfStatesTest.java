package io.raftj.raft.raftpb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class ConfStatesTest {

  record Case(String name, ConfState cs, ConfState cs2, boolean ok) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "reordered voters and learners",
            ConfState.newBuilder()
                .addAllVoters(List.of(1L, 2L, 3L))
                .addAllLearners(List.of(5L, 4L, 6L))
                .addAllVotersOutgoing(List.of(9L, 8L, 7L))
                .addAllLearnersNext(List.of(10L, 20L, 15L))
                .build(),
            ConfState.newBuilder()
                .addAllVoters(List.of(1L, 2L, 3L))
                .addAllLearners(List.of(4L, 5L, 6L))
                .addAllVotersOutgoing(List.of(7L, 9L, 8L))
                .addAllLearnersNext(List.of(20L, 10L, 15L))
                .build(),
            true),
        new Case(
            "unset auto-leave counts as false",
            ConfState.newBuilder().setAutoLeave(false).build(),
            ConfState.getDefaultInstance(),
            true),
        new Case("extra voter", voters(1L, 2L, 3L, 4L), voters(2L, 1L, 3L), false),
        new Case("different voter", voters(1L, 4L, 3L), voters(2L, 1L, 3L), false),
        new Case(
            "voter versus learner",
            voters(1L),
            ConfState.newBuilder().addLearners(1L).build(),
            false),
        new Case(
            "auto-leave differs",
            ConfState.newBuilder().setAutoLeave(true).build(),
            ConfState.getDefaultInstance(),
            false),
        new Case("IDs above 2^63 sort unsigned", voters(-1L, 1L), voters(1L, -1L), true));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void confState_Equivalent(Case c) {
    assertThat(ConfStates.equivalent(c.cs(), c.cs2())).isEqualTo(c.ok());
    assertThat(ConfStates.equivalent(c.cs2(), c.cs())).isEqualTo(c.ok());
  }

  @Test
  void equivalenceError_namesBothStates() {
    assertThat(ConfStates.equivalenceError(voters(2L, 1L), voters(2L, 1L))).isNull();
    assertThat(ConfStates.equivalenceError(voters(2L, 1L), voters(3L)))
        .isEqualTo(
            "ConfStates not equivalent after sorting:\n"
                + "Voters:[1 2] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false\n"
                + "Voters:[3] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false\n"
                + "Inputs were:\n"
                + "Voters:[2 1] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false\n"
                + "Voters:[3] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false");
    assertThat(ConfStates.equivalenceError(null, voters(1L)))
        .isEqualTo("cannot compare ConfState: nil input (left=true, right=false)");
  }

  private static ConfState voters(Long... ids) {
    return ConfState.newBuilder().addAllVoters(List.of(ids)).build();
  }
}
