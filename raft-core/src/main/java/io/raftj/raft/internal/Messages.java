package io.raftj.raft.internal;

import io.raftj.raft.RaftConstants;
import io.raftj.raft.raftpb.MessageType;

/**
 * Classifies message types and targets. Mirrors {@code IsLocalMsg}, {@code IsResponseMsg}, {@code
 * IsLocalMsgTarget} and {@code voteRespMsgType} in etcd's {@code util.go}.
 */
// The ordinals index lookup tables sized by values().length; the wire numbers play no part.
@SuppressWarnings("ProtocolBufferOrdinal")
public final class Messages {

  private static final boolean[] LOCAL = new boolean[MessageType.values().length];
  private static final boolean[] RESPONSE = new boolean[MessageType.values().length];

  static {
    for (MessageType t :
        new MessageType[] {
          MessageType.MsgHup,
          MessageType.MsgBeat,
          MessageType.MsgUnreachable,
          MessageType.MsgSnapStatus,
          MessageType.MsgCheckQuorum,
          MessageType.MsgStorageAppend,
          MessageType.MsgStorageAppendResp,
          MessageType.MsgStorageApply,
          MessageType.MsgStorageApplyResp
        }) {
      LOCAL[t.ordinal()] = true;
    }
    for (MessageType t :
        new MessageType[] {
          MessageType.MsgAppResp,
          MessageType.MsgVoteResp,
          MessageType.MsgHeartbeatResp,
          MessageType.MsgUnreachable,
          MessageType.MsgReadIndexResp,
          MessageType.MsgPreVoteResp,
          MessageType.MsgStorageAppendResp,
          MessageType.MsgStorageApplyResp
        }) {
      RESPONSE[t.ordinal()] = true;
    }
  }

  private Messages() {}

  /**
   * True for messages that only the local node generates for itself (MsgHup, MsgBeat, ..., the
   * MsgStorage* family). MsgForgetLeader, MsgProp, MsgReadIndex and MsgTransferLeader are not
   * local.
   */
  public static boolean isLocalMsg(MessageType type) {
    int i = type.ordinal();
    return i < LOCAL.length && LOCAL[i];
  }

  /** True for responses (MsgAppResp, MsgVoteResp, ..., and MsgUnreachable). */
  public static boolean isResponseMsg(MessageType type) {
    int i = type.ordinal();
    return i < RESPONSE.length && RESPONSE[i];
  }

  /** True for the local append and apply threads of asynchronous storage writes. */
  public static boolean isLocalMsgTarget(long id) {
    return id == RaftConstants.LOCAL_APPEND_THREAD || id == RaftConstants.LOCAL_APPLY_THREAD;
  }

  /** The response type for a (pre-)vote request type. */
  public static MessageType voteRespMsgType(MessageType type) {
    switch (type) {
      case MsgVote:
        return MessageType.MsgVoteResp;
      case MsgPreVote:
        return MessageType.MsgPreVoteResp;
      default:
        throw new IllegalStateException("not a vote message: " + type);
    }
  }
}
