package io.raftj.raft.rafttest;

import io.raftj.raft.Ready;
import io.raftj.raft.internal.Describe;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;

/**
 * The {@code process-ready} command: takes a node's Ready, prints it, persists and applies it
 * (synchronous storage) or queues its storage work (async storage writes), queues its messages, and
 * advances. Mirrors etcd's {@code rafttest/interaction_env_handler_process_ready.go}.
 *
 * <pre>process-ready &lt;id&gt;...</pre>
 */
final class ProcessReady {

  private ProcessReady() {}

  static void handle(InteractionEnv env, TestData d) {
    env.forEachNode(d, "handling Ready", idx -> processReady(env, idx));
  }

  static void processReady(InteractionEnv env, int idx) {
    InteractionNode n = env.nodes.get(idx);
    Ready rd = n.rawNode().ready();
    env.output.write(Describe.describeReady(rd, InteractionEnv.ENTRY_FORMATTER));

    boolean async = n.config().asyncStorageWrites();
    if (!async) {
      ProcessAppendThread.processAppend(n, rd.hardState(), rd.entries(), rd.snapshot());
      ProcessApplyThread.processApply(n, rd.committedEntries());
    }
    for (Message m : rd.messages()) {
      if (Messages.isLocalMsgTarget(m.getTo())) {
        if (!async) {
          throw new IllegalStateException("unexpected local msg target");
        }
        if (m.getType() == MessageType.MsgStorageAppend) {
          n.appendWork.addLast(m);
        } else if (m.getType() == MessageType.MsgStorageApply) {
          n.applyWork.addLast(m);
        } else {
          throw new IllegalStateException("unexpected message type " + m.getType());
        }
      } else {
        env.messages.add(m);
      }
    }
    if (!async) {
      n.rawNode().advance(rd);
    }
  }
}
