package io.raftj.raft.rafttest;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;

/**
 * The {@code process-apply-thread} command: performs one {@code MsgStorageApply} of a node's apply
 * thread (async storage writes) and queues its responses. Also home of the harness's state machine,
 * which every applied entry extends. Mirrors etcd's {@code
 * rafttest/interaction_env_handler_process_apply_thread.go}.
 *
 * <pre>process-apply-thread &lt;id&gt;...</pre>
 */
final class ProcessApplyThread {

  private ProcessApplyThread() {}

  static void handle(InteractionEnv env, TestData d) {
    env.forEachNode(d, "processing apply thread", idx -> processApplyThread(env, idx));
  }

  static void processApplyThread(InteractionEnv env, int idx) {
    InteractionNode n = env.nodes.get(idx);
    env.processWork(
        n.applyWork, "no apply work to perform", m -> processApply(n, m.getEntriesList()));
  }

  /**
   * Applies committed entries: conf changes go to the RawNode, and each entry extends the
   * "appender" state machine by one snapshot (data appended, index and term of the entry, the
   * resulting conf state).
   */
  static void processApply(InteractionNode n, List<Entry> ents) {
    for (Entry ent : ents) {
      ByteString update;
      ConfState cs = null;
      try {
        if (ent.getType() == EntryType.EntryConfChange) {
          ConfChange cc = ConfChange.parseFrom(ent.getData());
          update = cc.getContext();
          cs = n.rawNode().applyConfChange(ConfChangeI.of(cc));
        } else if (ent.getType() == EntryType.EntryConfChangeV2) {
          ConfChangeV2 cc = ConfChangeV2.parseFrom(ent.getData());
          cs = n.rawNode().applyConfChange(ConfChangeI.of(cc));
          update = cc.getContext();
        } else {
          update = ent.getData();
        }
      } catch (InvalidProtocolBufferException e) {
        throw new InteractionException(e.getMessage());
      }
      Snapshot last = n.lastSnapshot();
      if (cs == null) {
        cs = last.getMetadata().getConfState();
      }
      Snapshot.Builder snap =
          Snapshot.newBuilder()
              .setMetadata(
                  SnapshotMetadata.newBuilder()
                      .setIndex(ent.getIndex())
                      .setTerm(ent.getTerm())
                      .setConfState(cs));
      ByteString data = last.getData().concat(update);
      if (!data.isEmpty()) {
        snap.setData(data);
      }
      n.history.add(snap.build());
    }
  }
}
