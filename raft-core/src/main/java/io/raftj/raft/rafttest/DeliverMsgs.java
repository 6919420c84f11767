package io.raftj.raft.rafttest;

import io.raftj.raft.internal.Describe;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code deliver-msgs} command: delivers (steps) or drops the queued messages for the given
 * recipients, in argument order and, per recipient, in queue order. Mirrors etcd's {@code
 * rafttest/interaction_env_handler_deliver_msgs.go}.
 *
 * <pre>deliver-msgs [&lt;id&gt;...] [drop=(ids)] [type=&lt;MessageType&gt;]</pre>
 */
final class DeliverMsgs {

  private DeliverMsgs() {}

  static void handle(InteractionEnv env, TestData d) {
    MessageType type = null;
    List<Recipient> rs = new ArrayList<>();
    for (CmdArg arg : d.cmdArgs()) {
      if (arg.vals().isEmpty()) {
        long id;
        try {
          id = Long.parseUnsignedLong(arg.key());
        } catch (NumberFormatException e) {
          throw InteractionEnv.fatal(
              d, "strconv.ParseUint: parsing \"" + arg.key() + "\": invalid syntax");
        }
        rs.add(new Recipient(id, false));
      }
      for (int i = 0; i < arg.vals().size(); i++) {
        switch (arg.key()) {
          case "drop" -> {
            long id = arg.scanUint64(i);
            for (Recipient r : rs) {
              if (r.id() == id) {
                throw InteractionEnv.fatal(
                    d, "can't both deliver and drop msgs to " + Long.toUnsignedString(id));
              }
            }
            rs.add(new Recipient(id, true));
          }
          case "type" -> {
            String s = arg.vals().get(i);
            type = messageType(s);
            if (type == null) {
              throw InteractionEnv.fatal(d, "unknown message type " + s);
            }
          }
          default -> {}
        }
      }
    }
    if (deliverMsgs(env, type, rs) == 0) {
      env.output.write("no messages\n");
    }
  }

  private static MessageType messageType(String name) {
    for (MessageType t : MessageType.values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Delivers or drops, per recipient, the queued messages to it of the given type (null for all). A
   * dropped message is described with a {@code dropped: } prefix; a delivered one is described and
   * then stepped into its recipient, and a step error is printed after it. Returns the number of
   * messages handled; handled messages leave the queue.
   */
  static int deliverMsgs(InteractionEnv env, MessageType type, List<Recipient> rs) {
    int n = 0;
    for (Recipient r : rs) {
      List<Message> msgs = splitMsgs(env, r.id(), type, r.drop());
      n += msgs.size();
      for (Message msg : msgs) {
        if (r.drop()) {
          env.output.write("dropped: ");
        }
        env.output.write(Describe.describeMessage(msg, InteractionEnv.ENTRY_FORMATTER));
        env.output.write("\n");
        if (r.drop()) {
          // Messages to nodes that do not exist yet may be dropped: msg.to is not used.
          continue;
        }
        int toIdx = (int) (msg.getTo() - 1);
        try {
          env.nodes.get(toIdx).rawNode().step(msg);
        } catch (RuntimeException e) {
          if (!InteractionEnv.isRaftError(e)) {
            throw e;
          }
          env.output.write(e.getMessage());
          env.output.write("\n");
        }
      }
    }
    return n;
  }

  /**
   * Removes from the queue, keeping order, and returns the messages to {@code to} of the given type
   * (null for all). When dropping, local messages stay: their delivery must be reliable.
   */
  static List<Message> splitMsgs(InteractionEnv env, long to, MessageType type, boolean drop) {
    List<Message> toMsgs = new ArrayList<>();
    List<Message> rest = new ArrayList<>(env.messages.size());
    for (Message msg : env.messages) {
      if (matches(msg, to, type, drop)) {
        toMsgs.add(msg);
      } else {
        rest.add(msg);
      }
    }
    env.messages = rest;
    return toMsgs;
  }

  /** True when some queued message is addressed to {@code to} (any type). */
  static boolean hasMsgsFor(InteractionEnv env, long to) {
    for (Message msg : env.messages) {
      if (msg.getTo() == to) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Message msg, long to, MessageType type, boolean drop) {
    return msg.getTo() == to
        && !(drop && isLocalMsg(msg))
        && (type == null || msg.getType() == type);
  }

  private static boolean isLocalMsg(Message msg) {
    return msg.getFrom() == msg.getTo()
        || Messages.isLocalMsgTarget(msg.getFrom())
        || Messages.isLocalMsgTarget(msg.getTo());
  }
}
