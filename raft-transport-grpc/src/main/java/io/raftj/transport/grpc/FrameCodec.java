package io.raftj.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.Message;
import io.raftj.server.MessageBatch;
import io.raftj.server.Transport;
import io.raftj.transport.grpc.wire.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a {@link MessageBatch} to its wire {@link Frame} and back. Raft messages travel as their
 * own encoding (etcd's raftpb bytes, field presence intact); heartbeats as four packed columns.
 * Stateless.
 */
final class FrameCodec {

  private static final Transport.HeartbeatKind[] KINDS = Transport.HeartbeatKind.values();

  private FrameCodec() {}

  static Frame encode(MessageBatch batch) {
    Frame.Builder f = Frame.newBuilder().setFrom(batch.from()).setTo(batch.to());
    List<Message> msgs = batch.messages();
    long[] groups = batch.groupIds();
    for (int i = 0; i < msgs.size(); i++) {
      f.addGroupIds(groups[i]);
      f.addMessages(msgs.get(i).toByteString());
    }
    List<Transport.Heartbeat> hbs = batch.heartbeats();
    if (!hbs.isEmpty()) {
      byte[] kinds = new byte[hbs.size()];
      for (int i = 0; i < hbs.size(); i++) {
        Transport.Heartbeat hb = hbs.get(i);
        f.addHbGroupIds(hb.groupId()).addHbTerms(hb.term()).addHbCommits(hb.commit());
        kinds[i] = (byte) hb.kind().ordinal();
      }
      f.setHbKinds(ByteString.copyFrom(kinds));
    }
    return f.build();
  }

  /**
   * Decodes {@code f}, checking that every message is from {@code f.from} to {@code f.to}.
   *
   * @throws InvalidProtocolBufferException if a message does not parse or the frame is not
   *     consistent
   */
  static MessageBatch decode(Frame f) throws InvalidProtocolBufferException {
    int n = f.getMessagesCount();
    if (f.getGroupIdsCount() != n) {
      throw new InvalidProtocolBufferException(
          f.getGroupIdsCount() + " group ids for " + n + " messages");
    }
    long[] groups = new long[n];
    List<Message> msgs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Message m = Message.parseFrom(f.getMessages(i));
      if (m.getFrom() != f.getFrom() || m.getTo() != f.getTo()) {
        throw new InvalidProtocolBufferException(
            "message "
                + Long.toUnsignedString(m.getFrom())
                + "->"
                + Long.toUnsignedString(m.getTo())
                + " in a frame "
                + Long.toUnsignedString(f.getFrom())
                + "->"
                + Long.toUnsignedString(f.getTo()));
      }
      groups[i] = f.getGroupIds(i);
      msgs.add(m);
    }
    int h = f.getHbGroupIdsCount();
    if (f.getHbTermsCount() != h || f.getHbCommitsCount() != h || f.getHbKinds().size() != h) {
      throw new InvalidProtocolBufferException("heartbeat columns of unequal length");
    }
    List<Transport.Heartbeat> hbs = new ArrayList<>(h);
    for (int i = 0; i < h; i++) {
      int kind = f.getHbKinds().byteAt(i);
      if (kind < 0 || kind >= KINDS.length) {
        throw new InvalidProtocolBufferException("unknown heartbeat kind " + kind);
      }
      hbs.add(
          new Transport.Heartbeat(
              f.getHbGroupIds(i), f.getHbTerms(i), f.getHbCommits(i), KINDS[kind]));
    }
    return new MessageBatch(f.getFrom(), f.getTo(), groups, List.copyOf(msgs), List.copyOf(hbs));
  }

  /** The number of messages plus heartbeats in {@code f}. */
  static int count(Frame f) {
    return f.getMessagesCount() + f.getHbGroupIdsCount();
  }
}
