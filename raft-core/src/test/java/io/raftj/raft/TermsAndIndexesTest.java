package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Terms and indexes at or above 2^63 (negative as a long) are rejected where messages enter. */
final class TermsAndIndexesTest {

  record Case(String name, Message.Builder m) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> outOfRange() {
    Message.Builder app = Message.newBuilder().setType(MessageType.MsgApp).setFrom(2).setTo(1);
    return Stream.of(
        new Case("term", app.clone().setTerm(-1)),
        new Case("log term", app.clone().setTerm(1).setLogTerm(Long.MIN_VALUE)),
        new Case("index", app.clone().setTerm(1).setIndex(-3)),
        new Case("commit", app.clone().setTerm(1).setCommit(-1)),
        new Case("reject hint", app.clone().setTerm(1).setRejectHint(-1)),
        new Case(
            "entry index",
            app.clone().setTerm(1).addEntries(Entry.newBuilder().setTerm(1).setIndex(-1))),
        new Case(
            "entry term",
            app.clone().setTerm(1).addEntries(Entry.newBuilder().setTerm(-1).setIndex(1))),
        new Case(
            "snapshot index",
            Message.newBuilder()
                .setType(MessageType.MsgSnap)
                .setFrom(2)
                .setTo(1)
                .setTerm(1)
                .setSnapshot(
                    Snapshot.newBuilder()
                        .setMetadata(SnapshotMetadata.newBuilder().setIndex(-1).setTerm(1)))));
  }

  @ParameterizedTest
  @MethodSource("outOfRange")
  void step_negativeTermOrIndex_isRejectedAndChangesNothing(Case c) {
    MemoryStorage s = new MemoryStorage(RaftLogger.discard());
    RawNode rn =
        new RawNode(
            new Config()
                .setId(1)
                .setElectionTick(10)
                .setHeartbeatTick(1)
                .setStorage(s)
                .setMaxSizePerMsg(RaftConstants.NO_LIMIT)
                .setMaxInflightMsgs(256)
                .setLogger(RaftLogger.discard()));
    rn.bootstrap(List.of(new Peer(1, null), new Peer(2, null)));
    long termBefore = rn.basicStatus().hardState().getTerm();

    assertThatThrownBy(() -> rn.step(c.m().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above 2^63-1");

    assertThat(rn.basicStatus().hardState().getTerm()).isEqualTo(termBefore);
  }

  @Test
  void check_nodeIdsAboveTwoTo63_passBecauseIdsAreUnsigned() {
    Message m =
        Message.newBuilder().setType(MessageType.MsgApp).setFrom(-1L).setTo(-2L).setTerm(1).build();
    assertThatCode(() -> TermsAndIndexes.check(m)).doesNotThrowAnyException();
  }
}
