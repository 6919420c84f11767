package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;

/**
 * More helpers for the Raft tests ported from etcd's raft_test.go: short message builders and
 * etcd's {@code ltoa} log view for comparing whole logs.
 */
final class RaftTestSupport {

  private RaftTestSupport() {}

  /** The parts of a log etcd's ltoa prints: compare two logs by comparing their views. */
  record LogView(long lastIndex, long applied, long applying, List<Entry> entries) {
    static LogView of(RaftLog l) {
      return new LogView(l.lastIndex(), l.applied(), l.applying(), l.allEntries());
    }
  }

  /** The view of a fresh log over a storage holding {@code ents} (the first one is the dummy). */
  static LogView logOver(List<Entry> ents) {
    MemoryStorage ms = new MemoryStorage(RaftLogger.discard());
    ms.applySnapshot(TestEntries.snap(ents.get(0).getIndex(), ents.get(0).getTerm()));
    ms.append(ents.subList(1, ents.size()));
    return LogView.of(RaftLog.newLog(ms, RaftLogger.discard()));
  }

  /** A single V1 conf change in its V2 form, as etcd's {@code (&pb.ConfChange{...}).AsV2()}. */
  static ConfChangeV2 confChange(ConfChangeType type, long id) {
    return ConfChangeI.of(ConfChange.newBuilder().setType(type).setNodeId(id).build()).asV2();
  }

  static Message hup(long id) {
    return RaftTestUtil.msg(id, id, MessageType.MsgHup).build();
  }

  static Message beat(long id) {
    return RaftTestUtil.msg(id, id, MessageType.MsgBeat).build();
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

  /** Lets {@code r} reach its election timeout without a leader message. */
  static void tickElectionTimeout(Raft r) {
    r.setRandomizedElectionTimeout(r.electionTimeout);
    for (int i = 0; i < r.electionTimeout; i++) {
      r.tick();
    }
  }
}
