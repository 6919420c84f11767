package io.raftj.server;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The messages a loop worker's groups produced in one turn, batched per destination server and sent
 * together when the turn ends: one transport call per destination, whatever the number of groups.
 * Heartbeats and their responses without a read-index context are coalesced into {@link
 * Transport.Heartbeat}s. Confined to the worker's thread.
 */
final class Outbox {

  private final long self;

  /** One entry per destination ever used: few (the servers this one shares groups with). */
  private Pending[] byDest = new Pending[0];

  private final List<Pending> dirty = new ArrayList<>();
  private Pending last;

  Outbox(long self) {
    this.self = self;
  }

  private static final class Pending {
    final long to;
    long[] groupIds = new long[8];
    List<Message> messages = new ArrayList<>();
    List<Transport.Heartbeat> heartbeats = new ArrayList<>();
    boolean dirty;

    Pending(long to) {
      this.to = to;
    }

    boolean isEmpty() {
      return messages.isEmpty() && heartbeats.isEmpty();
    }
  }

  private Pending pending(long to) {
    Pending p = last != null && last.to == to ? last : find(to);
    last = p;
    if (!p.dirty) {
      p.dirty = true;
      dirty.add(p);
    }
    return p;
  }

  private Pending find(long to) {
    for (Pending p : byDest) {
      if (p.to == to) {
        return p;
      }
    }
    Pending p = new Pending(to);
    byDest = Arrays.copyOf(byDest, byDest.length + 1);
    byDest[byDest.length - 1] = p;
    return p;
  }

  /** Queues a Raft message of {@code groupId} for {@code m.getTo()}. */
  void add(long groupId, Message m) {
    Pending p = pending(m.getTo());
    MessageType t = m.getType();
    if (t == MessageType.MsgHeartbeat && m.getContext().isEmpty()) {
      p.heartbeats.add(
          new Transport.Heartbeat(
              groupId, m.getTerm(), m.getCommit(), Transport.HeartbeatKind.HEARTBEAT));
      return;
    }
    if (t == MessageType.MsgHeartbeatResp && m.getContext().isEmpty()) {
      p.heartbeats.add(
          new Transport.Heartbeat(groupId, m.getTerm(), 0, Transport.HeartbeatKind.RESPONSE));
      return;
    }
    int n = p.messages.size();
    if (n == p.groupIds.length) {
      p.groupIds = Arrays.copyOf(p.groupIds, n * 2);
    }
    p.groupIds[n] = groupId;
    p.messages.add(m);
  }

  /** Queues a notice to {@code to} that the group is idle. */
  void addQuiesce(long to, long groupId, long term, long commit) {
    pending(to)
        .heartbeats
        .add(new Transport.Heartbeat(groupId, term, commit, Transport.HeartbeatKind.QUIESCE));
  }

  /** Sends every non-empty batch and starts afresh; returns the batches sent. */
  int flush(GuardedTransport transport, PeerLiveness liveness) {
    int sent = 0;
    for (int i = 0; i < dirty.size(); i++) {
      Pending p = dirty.get(i);
      p.dirty = false;
      if (p.isEmpty()) {
        continue;
      }
      MessageBatch batch =
          new MessageBatch(
              self, p.to, Arrays.copyOf(p.groupIds, p.messages.size()), p.messages, p.heartbeats);
      p.messages = new ArrayList<>();
      p.heartbeats = new ArrayList<>();
      liveness.sent(p.to);
      transport.send(p.to, batch); // never throws: a batch it cannot send is lost
      sent++;
    }
    dirty.clear();
    return sent;
  }

  /** Expands a batch's coalesced heartbeats back into the messages Raft sent. */
  static Message expand(long from, long to, Transport.Heartbeat hb) {
    Message.Builder m = Message.newBuilder().setFrom(from).setTo(to).setTerm(hb.term());
    if (hb.kind() == Transport.HeartbeatKind.HEARTBEAT) {
      m.setType(MessageType.MsgHeartbeat).setCommit(hb.commit());
    } else {
      m.setType(MessageType.MsgHeartbeatResp);
    }
    return m.build();
  }
}
