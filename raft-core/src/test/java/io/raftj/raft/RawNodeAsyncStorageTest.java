package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.internal.Describe;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RawNode with asynchronous storage writes: MsgStorageAppend/Apply and their responses. */
final class RawNodeAsyncStorageTest {

  /**
   * A single voter driven only through the storage messages elects itself and commits and applies a
   * proposal; advance is refused.
   */
  @Test
  void asyncStorageWrites_singleVoterCommitsThroughStorageMessages() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    RawNode rn = new RawNode(newTestConfig(1, 10, 1, s).setAsyncStorageWrites(true));
    List<Entry> applied = new ArrayList<>();
    boolean proposed = false;
    for (int round = 0; round < 20 && applied.size() < 2; round++) {
      if (round == 0) {
        rn.campaign();
      }
      if (!proposed && rn.basicStatus().raftState() == StateType.STATE_LEADER) {
        rn.propose(bytes("foo"));
        proposed = true;
      }
      if (!rn.hasReady()) {
        continue;
      }
      Ready rd = rn.ready();
      for (Message m : rd.messages()) {
        if (m.getTo() == RaftConstants.LOCAL_APPEND_THREAD) {
          assertThat(m.getType()).isEqualTo(MessageType.MsgStorageAppend);
          if (m.hasTerm()) {
            s.setHardState(
                HardState.newBuilder()
                    .setTerm(m.getTerm())
                    .setVote(m.getVote())
                    .setCommit(m.getCommit())
                    .build());
          }
          s.append(m.getEntriesList());
          for (Message resp : m.getResponsesList()) {
            rn.step(resp);
          }
        } else if (m.getTo() == RaftConstants.LOCAL_APPLY_THREAD) {
          assertThat(m.getType()).isEqualTo(MessageType.MsgStorageApply);
          assertThat(m.getTerm()).isZero();
          assertThat(m.hasTerm()).isTrue();
          applied.addAll(m.getEntriesList());
          for (Message resp : m.getResponsesList()) {
            assertThat(resp.getFrom()).isEqualTo(RaftConstants.LOCAL_APPLY_THREAD);
            rn.step(resp);
          }
        }
      }
      assertThatThrownBy(() -> rn.advance(rd))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Advance must not be called when using AsyncStorageWrites");
    }
    assertThat(applied).hasSize(2);
    assertThat(applied.get(1).getData()).isEqualTo(bytes("foo"));
    assertThat(rn.basicStatus().applied()).isEqualTo(2);
    assertThat(s.lastIndex()).isEqualTo(2);
  }

  /** The first MsgStorageAppend carries the hard state and, as responses, the self-vote. */
  @Test
  void asyncStorageWrites_appendMessageCarriesHardStateAndResponses() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    RawNode rn = new RawNode(newTestConfig(1, 10, 1, s).setAsyncStorageWrites(true));
    rn.campaign();
    Ready rd = rn.ready();
    Message append = null;
    for (Message m : rd.messages()) {
      if (m.getType() == MessageType.MsgStorageAppend) {
        append = m;
      }
    }
    assertThat(append).isNotNull();
    assertThat(append.getFrom()).isEqualTo(1);
    assertThat(append.getTo()).isEqualTo(RaftConstants.LOCAL_APPEND_THREAD);
    assertThat(append.getTerm()).isEqualTo(1);
    assertThat(append.getVote()).isEqualTo(1);
    assertThat(append.hasCommit()).isTrue();
    assertThat(append.getResponsesList())
        .containsExactly(
            Message.newBuilder()
                .setTo(1)
                .setFrom(1)
                .setTerm(1)
                .setType(MessageType.MsgVoteResp)
                .build());
    assertThat(Describe.describeMessage(append, null))
        .isEqualTo(
            "1->AppendThread MsgStorageAppend Term:1 Log:0/0 Vote:1 Responses:[\n"
                + "  1->1 MsgVoteResp Term:1 Log:0/0\n"
                + "]");
  }
}
