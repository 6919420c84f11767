package io.raftj.raft.rafttest;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code stabilize} command: repeatedly handles Readies, delivers messages and drains the
 * storage threads of a set of nodes until a round does nothing. Mirrors etcd's {@code
 * rafttest/interaction_env_handler_stabilize.go}.
 *
 * <pre>stabilize [&lt;id&gt;...] [log-level=&lt;level&gt;]</pre>
 *
 * Messages to nodes outside the set stay queued. {@code log-level} applies for the duration of the
 * command only.
 */
final class Stabilize {

  private Stabilize() {}

  static void handle(InteractionEnv env, TestData d) {
    int[] idxs = env.nodeIdxsOf(d);
    int oldLevel = env.output.level();
    boolean restore = false;
    try {
      for (CmdArg arg : d.cmdArgs()) {
        for (int i = 0; i < arg.vals().size(); i++) {
          if (arg.key().equals("log-level")) {
            restore = true;
            env.output.setLevel(arg.vals().get(i));
          }
        }
      }
      stabilize(env, idxs);
    } finally {
      if (restore) {
        env.output.setLevel(oldLevel);
      }
    }
  }

  static void stabilize(InteractionEnv env, int... idxs) {
    List<InteractionNode> nodes = new ArrayList<>();
    if (idxs.length != 0) {
      for (int idx : idxs) {
        nodes.add(env.nodes.get(idx));
      }
    } else {
      nodes.addAll(env.nodes);
    }
    boolean done;
    do {
      done = true;
      for (InteractionNode n : nodes) {
        if (n.rawNode().hasReady()) {
          int idx = (int) (n.id() - 1);
          env.output.writef("> %d handling Ready\n", idx + 1);
          env.withIndent(() -> ProcessReady.processReady(env, idx));
          done = false;
        }
      }
      for (InteractionNode n : nodes) {
        long id = n.id();
        if (DeliverMsgs.hasMsgsFor(env, id)) {
          env.output.writef("> %d receiving messages\n", id);
          env.withIndent(
              () -> DeliverMsgs.deliverMsgs(env, null, List.of(new Recipient(id, false))));
          done = false;
        }
      }
      for (InteractionNode n : nodes) {
        int idx = (int) (n.id() - 1);
        if (!n.appendWork.isEmpty()) {
          env.output.writef("> %d processing append thread\n", idx + 1);
          while (!n.appendWork.isEmpty()) {
            env.withIndent(() -> ProcessAppendThread.processAppendThread(env, idx));
          }
          done = false;
        }
      }
      for (InteractionNode n : nodes) {
        int idx = (int) (n.id() - 1);
        if (!n.applyWork.isEmpty()) {
          env.output.writef("> %d processing apply thread\n", idx + 1);
          while (!n.applyWork.isEmpty()) {
            env.withIndent(() -> ProcessApplyThread.processApplyThread(env, idx));
          }
          done = false;
        }
      }
    } while (!done);
  }
}
