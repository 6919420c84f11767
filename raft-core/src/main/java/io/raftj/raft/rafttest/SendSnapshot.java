package io.raftj.raft.rafttest;

import io.raftj.raft.internal.Describe;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;

/**
 * The {@code send-snapshot} command: queues (without delivering) a {@code MsgSnap} carrying the
 * sender's latest state-machine snapshot. Mirrors etcd's {@code
 * rafttest/interaction_env_handler_send_snapshot.go}.
 *
 * <pre>send-snapshot &lt;from-id&gt; &lt;to-id&gt;</pre>
 */
final class SendSnapshot {

  private SendSnapshot() {}

  static void handle(InteractionEnv env, TestData d) {
    int[] idxs = env.nodeIdxsOf(d);
    if (idxs.length != 2) {
      throw InteractionEnv.fatal(d, "expected exactly two node IDs");
    }
    sendSnapshot(env, idxs[0], idxs[1]);
  }

  static void sendSnapshot(InteractionEnv env, int fromIdx, int toIdx) {
    InteractionNode from = env.nodes.get(fromIdx);
    Snapshot snap = from.lastSnapshot();
    Message msg =
        Message.newBuilder()
            .setType(MessageType.MsgSnap)
            .setTerm(from.rawNode().basicStatus().hardState().getTerm())
            .setFrom(fromIdx + 1)
            .setTo(toIdx + 1)
            .setSnapshot(snap)
            .build();
    env.messages.add(msg);
    env.output.write(Describe.describeMessage(msg, null));
  }
}
