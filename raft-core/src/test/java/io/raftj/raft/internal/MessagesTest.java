package io.raftj.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.RaftConstants;
import io.raftj.raft.raftpb.MessageType;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class MessagesTest {

  private static final Set<MessageType> LOCAL =
      EnumSet.of(
          MessageType.MsgHup,
          MessageType.MsgBeat,
          MessageType.MsgUnreachable,
          MessageType.MsgSnapStatus,
          MessageType.MsgCheckQuorum,
          MessageType.MsgStorageAppend,
          MessageType.MsgStorageAppendResp,
          MessageType.MsgStorageApply,
          MessageType.MsgStorageApplyResp);

  private static final Set<MessageType> RESPONSE =
      EnumSet.of(
          MessageType.MsgAppResp,
          MessageType.MsgVoteResp,
          MessageType.MsgHeartbeatResp,
          MessageType.MsgUnreachable,
          MessageType.MsgReadIndexResp,
          MessageType.MsgPreVoteResp,
          MessageType.MsgStorageAppendResp,
          MessageType.MsgStorageApplyResp);

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void isLocalMsg(MessageType type) {
    assertThat(Messages.isLocalMsg(type)).isEqualTo(LOCAL.contains(type));
  }

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void isResponseMsg(MessageType type) {
    assertThat(Messages.isResponseMsg(type)).isEqualTo(RESPONSE.contains(type));
  }

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void voteRespMsgType_mapsOnlyVoteRequests(MessageType type) {
    if (type == MessageType.MsgVote) {
      assertThat(Messages.voteRespMsgType(type)).isEqualTo(MessageType.MsgVoteResp);
    } else if (type == MessageType.MsgPreVote) {
      assertThat(Messages.voteRespMsgType(type)).isEqualTo(MessageType.MsgPreVoteResp);
    } else {
      assertThatThrownBy(() -> Messages.voteRespMsgType(type))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("not a vote message: " + type);
    }
  }

  @org.junit.jupiter.api.Test
  void isLocalMsgTarget_onlyTheLocalThreads() {
    assertThat(Messages.isLocalMsgTarget(RaftConstants.LOCAL_APPEND_THREAD)).isTrue();
    assertThat(Messages.isLocalMsgTarget(RaftConstants.LOCAL_APPLY_THREAD)).isTrue();
    assertThat(Messages.isLocalMsgTarget(RaftConstants.NONE)).isFalse();
    assertThat(Messages.isLocalMsgTarget(1)).isFalse();
    assertThat(Messages.isLocalMsgTarget(-3L)).isFalse();
  }
}
