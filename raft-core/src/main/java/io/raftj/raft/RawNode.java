package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.internal.Invariants;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.tracker.ProgressView;
import io.raftj.raft.tracker.internal.Progress;
import io.raftj.raft.tracker.internal.ProgressMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The single-threaded API of a Raft node: feed it ticks, messages and proposals, take {@link Ready}
 * batches, persist and send them, and acknowledge with {@link #advance}. Mirrors {@code RawNode} in
 * etcd's {@code rawnode.go} and {@code bootstrap.go}.
 *
 * <p>Not thread-safe: one thread drives a RawNode; {@link Node} wraps one in its own thread.
 *
 * <p>With {@link Config#asyncStorageWrites()}, Readys carry {@code MsgStorageAppend} and {@code
 * MsgStorageApply} messages for the local append and apply threads, whose responses are stepped
 * back in, and {@link #advance} must not be called.
 */
public final class RawNode {

  private final Raft raft;
  private final boolean asyncStorageWrites;

  /* Mutable fields: the state reported by the last accepted Ready. */
  private SoftState prevSoftSt;
  private HardState prevHardSt;

  /** What advance steps (sync mode): the acks of what the accepted Ready persists. */
  private final AdvanceAcks acksOnAdvance = new AdvanceAcks();

  /**
   * Creates a node from {@code config}, restoring its state from the config's storage.
   *
   * @throws IllegalArgumentException if the config does not validate
   */
  public RawNode(Config config) {
    this.raft = new Raft(config);
    this.asyncStorageWrites = config.asyncStorageWrites();
    this.prevSoftSt = raft.softState();
    this.prevHardSt = raft.hardState();
  }

  /** The state machine; for tests and the harness in this package. */
  Raft raft() {
    return raft;
  }

  boolean asyncStorageWrites() {
    return asyncStorageWrites;
  }

  /** Advances the internal logical clock by one tick. */
  public void tick() {
    raft.tick();
  }

  /**
   * Advances only the election timer, for quiesced groups whose leader skips heartbeats. It
   * bypasses the state machine's own tick handling (no heartbeats, no elections, no check-quorum),
   * so a quiesced follower must still be woken with {@link #tick()} before its election timeout.
   *
   * @deprecated etcd deprecates {@code TickQuiesced} and will remove it; use {@link #tick()}.
   */
  @Deprecated
  public void tickQuiesced() {
    raft.electionElapsed++;
  }

  /** Makes this node campaign to become leader (MsgHup). */
  public void campaign() {
    raft.step(ApiMessages.campaign());
  }

  /**
   * Proposes {@code data} be appended to the log.
   *
   * @throws ProposalDroppedException if the proposal was dropped
   */
  public void propose(ByteString data) {
    stepProposal(List.of(ApiMessages.proposedEntry(raft, data, 0)));
  }

  /**
   * Proposes {@code batch} be appended to the log as consecutive entries, in one MsgProp: the whole
   * batch is accepted or dropped together, exactly as a multi-entry proposal is in etcd (no leader,
   * a leader transfer in progress, or the batch would exceed the uncommitted-size budget). A null
   * element proposes an entry without data; an empty batch proposes nothing and is not dropped.
   * When to batch: docs/ready-loop.md, "Batched proposals".
   *
   * @throws ProposalDroppedException if the batch was dropped
   */
  public void propose(List<ByteString> batch) {
    if (!batch.isEmpty()) {
      stepProposal(ApiMessages.proposedEntries(raft, batch));
    }
  }

  /**
   * Steps a MsgProp from this node carrying {@code entries}. On a leader, where stepping it would
   * only hand its entries to {@code stepLeaderProp} (a MsgProp has no term and no trace event), the
   * entries go there directly and the message is never built.
   */
  private void stepProposal(List<Entry> entries) {
    if (raft.state == StateType.STATE_LEADER) {
      raft.stepLeaderProp(entries);
    } else {
      raft.step(ApiMessages.propose(raft, entries));
    }
  }

  /**
   * Proposes a configuration change; it takes effect when its entry is applied with {@link
   * #applyConfChange}.
   *
   * @throws ProposalDroppedException if the proposal was dropped
   */
  public void proposeConfChange(ConfChangeI cc) {
    raft.step(Raft.confChangeToMsg(cc));
  }

  /** Applies a committed configuration change and returns the new ConfState. */
  public ConfState applyConfChange(ConfChangeI cc) {
    return raft.applyConfChange(cc.asV2());
  }

  /**
   * Steps a message received from a peer (or from the local storage threads).
   *
   * @throws IllegalArgumentException if {@code m} is a local message from outside, or carries a
   *     term or index above 2^63-1 (terms and indexes are never negative here)
   * @throws StepPeerNotFoundException if {@code m} is a response from an unknown peer
   * @throws ProposalDroppedException if {@code m} is a proposal that was dropped
   */
  public void step(Message m) {
    // Local messages come only from this node or its storage threads.
    if (Messages.isLocalMsg(m.getType()) && !Messages.isLocalMsgTarget(m.getFrom())) {
      throw new IllegalArgumentException("raft: cannot step raft local message");
    }
    if (Messages.isResponseMsg(m.getType())
        && !Messages.isLocalMsgTarget(m.getFrom())
        && raft.trk.progress().get(m.getFrom()) == null) {
      throw StepPeerNotFoundException.INSTANCE;
    }
    raft.step(m);
  }

  /**
   * Returns the outstanding work and marks it handed out: the caller must persist and send it, then
   * call {@link #advance} (unless asynchronous storage writes are on).
   *
   * @throws IllegalStateException if the previous Ready was not advanced (sync mode)
   */
  public Ready ready() {
    Ready rd = readyWithoutAccept();
    acceptReady(rd);
    return rd;
  }

  /** The Ready that {@link #ready} would return, without marking anything handed out. */
  Ready readyWithoutAccept() {
    Raft r = raft;
    List<Entry> entries = r.raftLog.nextUnstableEnts();
    List<Entry> committed = r.raftLog.nextCommittedEnts(applyUnstableEntries());
    SoftState softSt = null;
    if (r.lead != prevSoftSt.lead() || r.state != prevSoftSt.raftState()) {
      softSt = r.softState();
    }
    HardState hardSt = HardState.getDefaultInstance();
    if (!r.hardStateEquals(prevHardSt)) {
      hardSt = r.hardState();
    }
    Snapshot snap = Snapshot.getDefaultInstance();
    if (r.raftLog.hasNextUnstableSnapshot()) {
      snap = r.raftLog.nextUnstableSnapshot();
    }
    List<ReadState> readStates = List.of();
    if (!r.readStates.isEmpty()) {
      readStates = Collections.unmodifiableList(r.readStates);
    }
    boolean mustSync = mustSync(r.term, r.vote, prevHardSt, entries.size());

    List<Message> messages;
    if (asyncStorageWrites) {
      messages = new ArrayList<>(r.msgs.size() + 2);
      messages.addAll(r.msgs);
      if (needStorageAppendMsg(r, entries, hardSt, snap)) {
        messages.add(newStorageAppendMsg(r, entries, hardSt, snap));
      }
      if (!committed.isEmpty()) {
        messages.add(newStorageApplyMsg(r, committed));
      }
      messages = messages.isEmpty() ? List.of() : Collections.unmodifiableList(messages);
    } else {
      // Self-addressed acknowledgements are stepped on advance instead of sent.
      messages = outgoing(r);
    }
    return new Ready(softSt, hardSt, readStates, entries, snap, committed, messages, mustSync);
  }

  /**
   * The messages a synchronous Ready sends: {@code r.msgs}, then the acknowledgements to peers in
   * {@code msgsAfterAppend}, copied into a list of their own (usually just one message), so that
   * {@code r.msgs} can be reused.
   */
  private static List<Message> outgoing(Raft r) {
    List<Message> msgs = r.msgs;
    List<Message> after = r.msgsAfterAppend;
    int toPeers = 0;
    for (int i = 0; i < after.size(); i++) {
      if (after.get(i).getTo() != r.id) {
        toPeers++;
      }
    }
    int n = msgs.size() + toPeers;
    if (n == 0) {
      return List.of();
    }
    if (n == 1) {
      return List.of(toPeers == 0 ? msgs.get(0) : firstToPeer(after, r.id));
    }
    Message[] out = msgs.toArray(new Message[n]);
    int k = msgs.size();
    for (int i = 0; i < after.size(); i++) {
      if (after.get(i).getTo() != r.id) {
        out[k++] = after.get(i);
      }
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  private static Message firstToPeer(List<Message> after, long self) {
    for (int i = 0; i < after.size(); i++) {
      if (after.get(i).getTo() != self) {
        return after.get(i);
      }
    }
    throw new IllegalStateException("no acknowledgement to a peer");
  }

  /**
   * True if the hard state must be synced to disk before the Ready's messages are sent: there are
   * entries, or the term or vote changed. A commit-index change alone need not be (a lost commit
   * index is learned again from the leader). The rule storage layers apply to each {@code Ready};
   * mirrors {@code MustSync} in etcd's {@code rawnode.go}.
   *
   * @param st the hard state about to be persisted
   * @param prevst the hard state persisted last
   * @param entsnum how many entries are persisted with it
   */
  public static boolean mustSync(HardState st, HardState prevst, int entsnum) {
    return mustSync(st.getTerm(), st.getVote(), prevst, entsnum);
  }

  private static boolean mustSync(long term, long vote, HardState prevst, int entsnum) {
    return entsnum != 0 || vote != prevst.getVote() || term != prevst.getTerm();
  }

  private static boolean needStorageAppendMsg(
      Raft r, List<Entry> entries, HardState hs, @Nullable Snapshot snap) {
    // Even with nothing to persist, pending acks must make the round trip through the append
    // thread, as they may be sent only once earlier writes are durable.
    return !entries.isEmpty()
        || !Util.isEmptyHardState(hs)
        || !Util.isEmptySnap(snap)
        || !r.msgsAfterAppend.isEmpty();
  }

  private static boolean needStorageAppendRespMsg(Raft r, @Nullable Snapshot snap) {
    // The response reports what became durable; entries already in flight count too, so that
    // a later write acknowledges them if this one carries none.
    return r.raftLog.hasNextOrInProgressUnstableEnts() || !Util.isEmptySnap(snap);
  }

  /**
   * The MsgStorageAppend for the local append thread: entries, hard state (only when changed) and
   * snapshot to persist, and the responses to deliver once they are durable.
   */
  private static Message newStorageAppendMsg(
      Raft r, List<Entry> entries, HardState hs, @Nullable Snapshot snap) {
    Message.Builder m =
        Message.newBuilder()
            .setType(MessageType.MsgStorageAppend)
            .setTo(RaftConstants.LOCAL_APPEND_THREAD)
            .setFrom(r.id)
            .addAllEntries(entries);
    if (!Util.isEmptyHardState(hs)) {
      // The hard state is written as a whole; zero fields are set too.
      m.setTerm(hs.getTerm()).setVote(hs.getVote()).setCommit(hs.getCommit());
    }
    if (snap != null && !Util.isEmptySnap(snap)) {
      m.setSnapshot(snap);
    }
    // Messages to send (or step, if self-addressed) once the write is durable.
    m.addAllResponses(r.msgsAfterAppend);
    if (needStorageAppendRespMsg(r, snap)) {
      m.addResponses(newStorageAppendRespMsg(r, snap));
    }
    return m.build();
  }

  /**
   * The MsgStorageAppendResp acknowledging a write: the last entry ID of the unstable log (if there
   * are unstable entries) and the snapshot (if any). It carries the current term, so a response
   * from an older term cannot mark entries of a newer one stable.
   */
  private static Message newStorageAppendRespMsg(Raft r, @Nullable Snapshot snap) {
    boolean hasEnts = r.raftLog.hasNextOrInProgressUnstableEnts();
    return storageAppendResp(
        r.id,
        r.term,
        hasEnts ? r.raftLog.lastIndex() : 0,
        hasEnts ? r.raftLog.lastTerm() : 0,
        snap == null || Util.isEmptySnap(snap) ? null : snap);
  }

  /** The MsgStorageAppendResp to {@code to}; {@code index} 0 acknowledges no entries. */
  static Message storageAppendResp(
      long to, long term, long index, long logTerm, @Nullable Snapshot snap) {
    Message.Builder m =
        Message.newBuilder()
            .setType(MessageType.MsgStorageAppendResp)
            .setTo(to)
            .setFrom(RaftConstants.LOCAL_APPEND_THREAD)
            .setTerm(term);
    if (index != 0) {
      m.setIndex(index).setLogTerm(logTerm);
    }
    if (snap != null) {
      m.setSnapshot(snap);
    }
    return m.build();
  }

  /**
   * The MsgStorageApply for the local apply thread; committed entries carry no term of their own.
   */
  private static Message newStorageApplyMsg(Raft r, List<Entry> ents) {
    return Message.newBuilder()
        .setType(MessageType.MsgStorageApply)
        .setTo(RaftConstants.LOCAL_APPLY_THREAD)
        .setFrom(r.id)
        .setTerm(0)
        .addAllEntries(ents)
        .addResponses(newStorageApplyRespMsg(r, ents))
        .build();
  }

  private static Message newStorageApplyRespMsg(Raft r, List<Entry> ents) {
    return Message.newBuilder()
        .setType(MessageType.MsgStorageApplyResp)
        .setTo(r.id)
        .setFrom(RaftConstants.LOCAL_APPLY_THREAD)
        .setTerm(0)
        .addAllEntries(ents)
        .build();
  }

  /**
   * Marks {@code rd} handed out: its state becomes the baseline for the next Ready, and in sync
   * mode the acks it implies are queued for {@link #advance}.
   */
  void acceptReady(Ready rd) {
    Raft r = raft;
    if (rd.softState() != null) {
      prevSoftSt = rd.softState();
    }
    if (!Util.isEmptyHardState(rd.hardState())) {
      prevHardSt = rd.hardState();
    }
    if (!rd.readStates().isEmpty()) {
      r.readStates = new ArrayList<>();
    }
    List<Entry> ents = rd.committedEntries();
    long entsSize = ents.isEmpty() ? 0 : Util.entsSize(ents);
    if (!asyncStorageWrites) {
      if (!acksOnAdvance.isEmpty()) {
        throw Invariants.panic(r.logger, "two accepted Ready structs without call to Advance");
      }
      List<Message> after = r.msgsAfterAppend;
      for (int i = 0; i < after.size(); i++) {
        if (after.get(i).getTo() == r.id) {
          acksOnAdvance.addSelfMessage(after.get(i));
        }
      }
      Snapshot snap = rd.snapshot();
      if (needStorageAppendRespMsg(r, snap)) {
        // What newStorageAppendRespMsg would carry.
        boolean hasEnts = r.raftLog.hasNextOrInProgressUnstableEnts();
        acksOnAdvance.expectAppended(
            r.term,
            hasEnts ? r.raftLog.lastIndex() : 0,
            hasEnts ? r.raftLog.lastTerm() : 0,
            Util.isEmptySnap(snap) ? null : snap);
      }
      if (!ents.isEmpty()) {
        // What newStorageApplyRespMsg would carry.
        acksOnAdvance.expectApplied(
            ents.get(ents.size() - 1).getIndex(), entsSize, Util.payloadsSize(ents));
      }
    }
    // The Ready copied the messages; the lists are reused.
    r.msgs.clear();
    r.msgsAfterAppend.clear();
    r.raftLog.acceptUnstable();
    if (!ents.isEmpty()) {
      long index = ents.get(ents.size() - 1).getIndex();
      r.raftLog.acceptApplying(index, entsSize, applyUnstableEntries());
    }
    r.traceReady();
  }

  /**
   * Whether committed entries may be applied before they are stable locally: yes in sync mode,
   * where the Ready persists them before applying anyway.
   */
  private boolean applyUnstableEntries() {
    return !asyncStorageWrites;
  }

  /** True if {@link #ready} would return something to do. */
  public boolean hasReady() {
    Raft r = raft;
    if (r.lead != prevSoftSt.lead() || r.state != prevSoftSt.raftState()) {
      return true;
    }
    if (!r.hardStateEquals(prevHardSt)
        && !(r.term == 0 && r.vote == 0 && r.raftLog.committed() == 0)) {
      return true;
    }
    if (r.raftLog.hasNextUnstableSnapshot()) {
      return true;
    }
    if (!r.msgs.isEmpty() || !r.msgsAfterAppend.isEmpty()) {
      return true;
    }
    if (r.raftLog.hasNextUnstableEnts() || r.raftLog.hasNextCommittedEnts(applyUnstableEntries())) {
      return true;
    }
    return !r.readStates.isEmpty();
  }

  /**
   * Acknowledges the last Ready: its entries and hard state are persisted, its committed entries
   * applied. The argument is ignored (as in etcd).
   *
   * @throws IllegalStateException with asynchronous storage writes
   */
  public void advance(@Nullable Ready rd) {
    if (asyncStorageWrites) {
      throw Invariants.panic(
          raft.logger, "Advance must not be called when using AsyncStorageWrites");
    }
    acksOnAdvance.stepAll(raft);
  }

  /** The node's full status, with progress when it is the leader. */
  public Status status() {
    return Status.of(raft);
  }

  /**
   * Whether this node is the leader of its current term. Cheap: reads the state machine's role.
   *
   * @return true while the node is in {@link StateType#STATE_LEADER}
   */
  public boolean isLeader() {
    return raft.state == StateType.STATE_LEADER;
  }

  /**
   * The leader this node knows of for its current term (itself when it leads).
   *
   * @return the leader's ID, or {@link RaftConstants#NONE} while there is none
   */
  public long leaderId() {
    return raft.lead;
  }

  /** The node's status without the configuration and progress (no allocation of copies). */
  public BasicStatus basicStatus() {
    return BasicStatus.of(raft);
  }

  /**
   * Visits the progress of every peer in ascending ID order, without copying; the visitor must not
   * keep or modify the progress, whose inflights are not part of the view.
   */
  public void withProgress(ProgressVisitor visitor) {
    ProgressMap prs = raft.trk.progress();
    for (int i = 0; i < prs.size(); i++) {
      Progress pr = prs.progressAt(i);
      visitor.visit(
          prs.idAt(i),
          pr.isLearner() ? ProgressType.PROGRESS_TYPE_LEARNER : ProgressType.PROGRESS_TYPE_PEER,
          pr);
    }
  }

  /** Receives each peer's progress from {@link #withProgress}. */
  @FunctionalInterface
  public interface ProgressVisitor {
    /** Called once per peer, in ascending ID order; {@code pr} is live and must not be kept. */
    void visit(long id, ProgressType type, ProgressView pr);
  }

  /** Reports that the last message to {@code id} could not be delivered. */
  public void reportUnreachable(long id) {
    raft.step(Message.newBuilder().setType(MessageType.MsgUnreachable).setFrom(id).build());
  }

  /** Reports the outcome of sending a snapshot to {@code id}. */
  public void reportSnapshot(long id, SnapshotStatus status) {
    boolean rej = status == SnapshotStatus.SNAPSHOT_FAILURE;
    raft.step(
        Message.newBuilder().setType(MessageType.MsgSnapStatus).setFrom(id).setReject(rej).build());
  }

  /** Asks the leader to transfer leadership to {@code transferee}. */
  public void transferLeader(long transferee) {
    raft.step(
        Message.newBuilder().setType(MessageType.MsgTransferLeader).setFrom(transferee).build());
  }

  /**
   * Makes a follower forget its leader, so it can grant (pre-)votes at once; a no-op on leaders and
   * candidates.
   */
  public void forgetLeader() {
    raft.step(ApiMessages.forgetLeader());
  }

  /**
   * Requests a read index; the answer arrives as a {@link ReadState} carrying {@code rctx} in a
   * later Ready. Dropped silently when there is no leader.
   */
  public void readIndex(ByteString rctx) {
    raft.step(ApiMessages.readIndex(rctx));
  }

  /**
   * Sets the randomized election timeout until the next role change, making the next election
   * deterministic: a hook for tests and the interaction harness (etcd's {@code
   * SetRandomizedElectionTimeout}).
   */
  public void setRandomizedElectionTimeout(int timeout) {
    raft.setRandomizedElectionTimeout(timeout);
  }

  /**
   * Initializes an empty storage for a new cluster: one ConfChangeAddNode entry per peer at term 1,
   * committed and applied to the configuration. Storages that start from a snapshot holding the
   * ConfState are preferable.
   *
   * @throws IllegalArgumentException if {@code peers} is empty or the storage is not empty
   */
  public void bootstrap(List<Peer> peers) {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("must provide at least one peer to Bootstrap");
    }
    if (raft.raftLog.storage().lastIndex() != 0) {
      throw new IllegalArgumentException("can't bootstrap a nonempty Storage");
    }
    // The first Ready must carry the hard state, even though it equals the initial one.
    prevHardSt = HardState.getDefaultInstance();

    raft.becomeFollower(1, RaftConstants.NONE);
    List<Entry> ents = new ArrayList<>(peers.size());
    for (int i = 0; i < peers.size(); i++) {
      Peer peer = peers.get(i);
      ConfChange.Builder cc =
          ConfChange.newBuilder().setType(ConfChangeType.ConfChangeAddNode).setNodeId(peer.id());
      if (peer.context() != null && !peer.context().isEmpty()) {
        cc.setContext(peer.context());
      }
      ents.add(
          Entry.newBuilder()
              .setType(EntryType.EntryConfChange)
              .setTerm(1)
              .setIndex(i + 1)
              .setData(cc.build().toByteString())
              .build());
    }
    raft.raftLog.append(ents);
    // Committed but not applied: the application sees them as committed entries in the first
    // Ready. The configuration is applied here already, so that campaigning works at once.
    raft.raftLog.setCommitted(ents.size());
    for (Peer peer : peers) {
      ConfChange cc =
          ConfChange.newBuilder()
              .setNodeId(peer.id())
              .setType(ConfChangeType.ConfChangeAddNode)
              .build();
      raft.applyConfChange(ConfChangeI.of(cc).asV2());
    }
  }
}
