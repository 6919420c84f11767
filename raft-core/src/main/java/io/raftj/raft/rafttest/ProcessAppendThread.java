package io.raftj.raft.rafttest;

import io.raftj.raft.Describe;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * The {@code process-append-thread} command: performs one {@code MsgStorageAppend} of a node's
 * append thread (async storage writes) and queues its responses. Mirrors etcd's
 * {@code rafttest/interaction_env_handler_process_append_thread.go}.
 *
 * <pre>process-append-thread &lt;id&gt;...</pre>
 */
final class ProcessAppendThread {

  private ProcessAppendThread() {}

  static void handle(InteractionEnv env, TestData d) {
    int[] idxs = InteractionEnv.nodeIdxs(d);
    for (int idx : idxs) {
      if (idxs.length > 1) {
        env.output.writef("> %d processing append thread\n", idx + 1);
        env.withIndent(() -> processAppendThread(env, idx));
      } else {
        processAppendThread(env, idx);
      }
    }
  }

  static void processAppendThread(InteractionEnv env, int idx) {
    InteractionNode n = env.nodes.get(idx);
    Message m = n.appendWork.pollFirst();
    if (m == null) {
      env.output.write("no append work to perform");
      return;
    }
    List<Message> resps = m.getResponsesList();
    env.output.write("Processing:\n");
    env.output.write(Describe.describeMessage(m.toBuilder().clearResponses().build(),
        InteractionEnv.ENTRY_FORMATTER) + "\n");
    HardState st = HardState.newBuilder()
        .setTerm(m.getTerm())
        .setVote(m.getVote())
        .setCommit(m.getCommit())
        .build();
    processAppend(n, st, m.getEntriesList(), m.getSnapshot());
    env.output.write("Responses:\n");
    for (Message resp : resps) {
      env.output.write(Describe.describeMessage(resp, InteractionEnv.ENTRY_FORMATTER) + "\n");
    }
    env.messages.addAll(resps);
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
