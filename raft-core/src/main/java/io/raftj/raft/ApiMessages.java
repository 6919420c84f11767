package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the messages that {@link RawNode} and {@link Node} step for their API calls, so both step
 * exactly what etcd's {@code RawNode} and {@code node} do: {@code MsgHup} and {@code
 * MsgForgetLeader} with no fields but the type, {@code MsgReadIndex} with one entry holding the
 * request context, and {@code MsgProp} from the local node (etcd's RawNode sets {@code From} when
 * it builds the proposal, its node when the proposal reaches the loop; the message is the same).
 * Confined to the thread that owns the {@link Raft}.
 *
 * <p>On a leader, proposed entries are built with the term and index the leader's {@code
 * appendEntry} will give them, so they are not rebuilt there; elsewhere they carry neither, as
 * etcd's do when a follower forwards them.
 */
final class ApiMessages {

  private static final Message CAMPAIGN = Message.newBuilder().setType(MessageType.MsgHup).build();
  private static final Message FORGET_LEADER =
      Message.newBuilder().setType(MessageType.MsgForgetLeader).build();

  private ApiMessages() {}

  /** MsgHup: campaign to become leader. */
  static Message campaign() {
    return CAMPAIGN;
  }

  /** MsgForgetLeader. */
  static Message forgetLeader() {
    return FORGET_LEADER;
  }

  /** MsgReadIndex carrying {@code rctx} (none if null) in its one entry. */
  static Message readIndex(ByteString rctx) {
    Entry.Builder e = Entry.newBuilder();
    if (rctx != null) {
      e.setData(rctx);
    }
    return Message.newBuilder().setType(MessageType.MsgReadIndex).addEntries(e).build();
  }

  /** MsgProp from {@code r}'s node carrying {@code entries}. */
  static Message propose(Raft r, List<Entry> entries) {
    return r.reusableMessage()
        .setType(MessageType.MsgProp)
        .setFrom(r.id)
        .addAllEntries(entries)
        .build();
  }

  /**
   * The entry proposing {@code data} (none if null) as the {@code i}-th of a proposal: on a leader
   * stamped with the term and index {@link Raft#stamp} would give it.
   */
  static Entry proposedEntry(Raft r, ByteString data, int i) {
    Entry.Builder e = r.reusableEntry();
    if (data != null) {
      e.setData(data);
    }
    if (r.state == StateType.STATE_LEADER) {
      e.setTerm(r.term).setIndex(r.raftLog.lastIndex() + 1 + i);
    }
    return e.build();
  }

  /** The entries proposing {@code batch}, in order; see {@link #proposedEntry}. */
  static List<Entry> proposedEntries(Raft r, List<ByteString> batch) {
    Entry[] ents = new Entry[batch.size()];
    for (int i = 0; i < ents.length; i++) {
      ents[i] = proposedEntry(r, batch.get(i), i);
    }
    return Arrays.asList(ents);
  }
}
