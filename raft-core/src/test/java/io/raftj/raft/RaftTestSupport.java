package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;

/**
 * More helpers for the Raft tests ported from etcd's raft_test.go: short builders for messages and
 * conf changes, and etcd's expectOneMessage.
 */
final class RaftTestSupport {

  private RaftTestSupport() {}

  /** A single V1 conf change in its V2 form, as etcd's {@code (&pb.ConfChange{...}).AsV2()}. */
  static ConfChangeV2 confChange(ConfChangeType type, long id) {
    return ConfChangeI.of(ConfChange.newBuilder().setType(type).setNodeId(id).build()).asV2();
  }

  static Message hup(long id) {
    return RaftTestUtil.msg(id, id, MessageType.MsgHup).build();
  }

  /** A proposal of one entry carrying {@code data}, stepped at {@code to}. */
  static Message prop(long from, long to, String data) {
    return RaftTestUtil.msg(from, to, MessageType.MsgProp)
        .addEntries(RaftTestUtil.data(data))
        .build();
  }

  /** etcd's expectOneMessage: reads the outgoing messages and requires exactly one. */
  static Message expectOneMessage(Raft r) {
    List<Message> msgs = RaftTestUtil.readMessages(r);
    assertThat(msgs).as("expect one message").hasSize(1);
    return msgs.get(0);
  }
}
