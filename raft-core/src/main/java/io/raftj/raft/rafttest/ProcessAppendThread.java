package io.raftj.raft.rafttest;

import io.raftj.raft.Util;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * The {@code process-append-thread} command: performs one {@code MsgStorageAppend} of a node's
 * append thread (async storage writes) and queues its responses. Mirrors etcd's {@code
 * rafttest/interaction_env_handler_process_append_thread.go}.
 *
 * <pre>process-append-thread &lt;id&gt;...</pre>
 */
final class ProcessAppendThread {

  private ProcessAppendThread() {}

  static void handle(InteractionEnv env, TestData d) {
    env.forEachNode(d, "processing append thread", idx -> processAppendThread(env, idx));
  }

  static void processAppendThread(InteractionEnv env, int idx) {
    InteractionNode n = env.nodes.get(idx);
    env.processWork(
        n.appendWork,
        "no append work to perform",
        m -> {
          HardState st =
              HardState.newBuilder()
                  .setTerm(m.getTerm())
                  .setVote(m.getVote())
                  .setCommit(m.getCommit())
                  .build();
          processAppend(n, st, m.getEntriesList(), m.getSnapshot());
        });
  }

  /** Persists a hard state, then a snapshot or entries (not both), to the node's storage. */
  static void processAppend(InteractionNode n, HardState st, List<Entry> ents, Snapshot snap) {
    if (!Util.isEmptyHardState(st)) {
      n.storage().setHardState(st);
    }
    if (!Util.isEmptySnap(snap)) {
      if (!ents.isEmpty()) {
        throw new InteractionException("can't apply snapshot and entries at the same time");
      }
      n.storage().applySnapshot(snap);
      return;
    }
    n.storage().append(ents);
  }
}
