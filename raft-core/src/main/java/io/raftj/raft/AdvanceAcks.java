package io.raftj.raft;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The acknowledgements an accepted synchronous Ready implies, stepped by {@link RawNode#advance}:
 * first the node's messages to itself that waited for the write (a leader's MsgAppResp for its own
 * entries, a candidate's vote), then what etcd's MsgStorageAppendResp and MsgStorageApplyResp would
 * say, in that order. The two storage acknowledgements are kept as fields rather than built as
 * messages (the latter with a copy of the committed entries): nothing but advance reads them.
 * Confined to the RawNode's thread.
 */
final class AdvanceAcks {

  private final List<Message> selfMessages = new ArrayList<>();

  private boolean appendPending;
  private long appendTerm;
  private long appendIndex;
  private long appendLogTerm;
  private @Nullable Snapshot appendSnap;

  private boolean applyPending;
  private long applyIndex;
  private long applySize;
  private long applyPayloadSize;

  /** True if nothing waits for advance. */
  boolean isEmpty() {
    return selfMessages.isEmpty() && !appendPending && !applyPending;
  }

  /** A message to this node, stepped first. */
  void addSelfMessage(Message m) {
    selfMessages.add(m);
  }

  /**
   * What a MsgStorageAppendResp of {@code term} would say: entries up to {@code (logTerm, index)}
   * are stable ({@code index} 0: none), and {@code snap} if not null.
   */
  void expectAppended(long term, long index, long logTerm, @Nullable Snapshot snap) {
    appendPending = true;
    appendTerm = term;
    appendIndex = index;
    appendLogTerm = logTerm;
    appendSnap = snap;
  }

  /** What a MsgStorageApplyResp would say about committed entries up to {@code index}. */
  void expectApplied(long index, long size, long payloadSize) {
    applyPending = true;
    applyIndex = index;
    applySize = size;
    applyPayloadSize = payloadSize;
  }

  /** Steps everything that waits, in order, and forgets it. */
  void stepAll(Raft raft) {
    for (int i = 0; i < selfMessages.size(); i++) {
      stepQuietly(raft, selfMessages.get(i));
    }
    selfMessages.clear();
    if (appendPending) {
      appendPending = false;
      Snapshot snap = appendSnap;
      appendSnap = null;
      if (appendTerm == raft.term || appendTerm == 0) {
        // What step does with a MsgStorageAppendResp of the current term (or a local one).
        raft.storageAppended(appendIndex, appendLogTerm, snap);
      } else {
        // The term moved since the Ready was accepted: step the message, whose older term
        // keeps the entries from being marked stable.
        stepQuietly(
            raft, RawNode.storageAppendResp(raft.id, appendTerm, appendIndex, appendLogTerm, snap));
      }
    }
    if (applyPending) {
      applyPending = false;
      // What step does with a MsgStorageApplyResp, which carries no term.
      raft.storageApplied(applyIndex, applySize, applyPayloadSize);
    }
  }

  private static void stepQuietly(Raft raft, Message m) {
    try {
      raft.step(m);
    } catch (ProposalDroppedException e) {
      // Acks never carry proposals; nothing to report.
    }
  }
}
