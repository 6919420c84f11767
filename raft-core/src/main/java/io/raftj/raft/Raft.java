package io.raftj.raft;

import static io.raftj.raft.RaftConstants.NONE;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.confchange.Changer;
import io.raftj.raft.confchange.ConfChangeException;
import io.raftj.raft.confchange.Restore;
import io.raftj.raft.internal.Describe;
import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.internal.Invariants;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.internal.Presence;
import io.raftj.raft.quorum.VoteResult;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfChanges;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.ConfStates;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.tracker.ProgressState;
import io.raftj.raft.tracker.internal.Inflights;
import io.raftj.raft.tracker.internal.Progress;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.ProgressTracker;
import io.raftj.raft.tracker.internal.TrackerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The Raft state machine: a pure, deterministic function of the messages stepped into it and the
 * ticks it receives. Mirrors {@code raft} in etcd's {@code raft.go}, section by section in the same
 * order, so the two can be read side by side.
 *
 * <p>Not thread-safe: owned by the thread driving the {@link RawNode}. Outgoing messages collect in
 * {@code msgs} (sent at once) and {@code msgsAfterAppend} (sent after the log is durable); the
 * RawNode turns them into Readys.
 *
 * <p>Invariant: {@code state} determines the step and tick functions: the leader runs {@link
 * #stepLeader} and {@link #tickHeartbeat}; candidates and pre-candidates {@link #stepCandidate};
 * followers {@link #stepFollower}; all but the leader {@link #tickElection}.
 */
final class Raft {

  final long id;

  long term;
  long vote;

  List<ReadState> readStates = new ArrayList<>();

  /** The log: stable storage plus the unstable tail. */
  final RaftLog raftLog;

  /** Encoded-size budget of the entries in one MsgApp. */
  private final long maxMsgSize;

  /** Payload-size budget of the uncommitted tail. */
  private final long maxUncommittedSize;

  ProgressTracker trk;

  StateType state;

  /** Whether this node is a learner in the current configuration. */
  boolean isLearner;

  /** Messages to send now. */
  List<Message> msgs = new ArrayList<>();

  /*
   * Builders reused for the messages and hard states built on the replication path, each of
   * which is built at once and then immutable: a builder keeps nothing of what it built.
   */
  private final Message.Builder messageBuilder = Message.newBuilder();
  private final Entry.Builder entryBuilder = Entry.newBuilder();
  private final HardState.Builder hardStateBuilder = HardState.newBuilder();

  /**
   * Messages to send only once the log is durable: MsgAppResp, MsgVoteResp and MsgPreVoteResp,
   * which promise that the sender has persisted what they acknowledge. Some are addressed to this
   * node itself (the leader's own append ack, a candidate's own vote).
   */
  List<Message> msgsAfterAppend = new ArrayList<>();

  /** The leader's ID, or NONE. */
  long lead;

  /** The ID of the leader-transfer target, or NONE when no transfer is in progress. */
  long leadTransferee;

  /**
   * Only one conf change may be pending (in the log, not yet applied) at a time: this is the index
   * of the latest one proposed, or something at least as high. Proposals are refused while it is
   * above the applied index.
   */
  long pendingConfIndex;

  private final boolean disableConfChangeValidation;

  /** Payload bytes in the leader's uncommitted tail (Raft thesis §10.2.1 flow control). */
  long uncommittedSize;

  ReadOnly readOnly;

  /**
   * Ticks since the last election timeout (leader, candidate) or since a valid message from the
   * current leader (follower).
   */
  int electionElapsed;

  /** Ticks since the last heartbeat; leader only. */
  int heartbeatElapsed;

  final boolean checkQuorum;
  final boolean preVote;

  final int heartbeatTimeout;
  final int electionTimeout;

  /**
   * A random value in [electionTimeout, 2 * electionTimeout - 1], re-drawn on every role change.
   */
  int randomizedElectionTimeout;

  private final boolean disableProposalForwarding;
  private final boolean stepDownOnRemoval;

  final RaftLogger logger;

  /**
   * Read-index requests received before the leader committed an entry in its term; answered on that
   * first commit.
   */
  List<Message> pendingReadIndexMessages = new ArrayList<>();

  private final @Nullable TraceLogger traceLogger;
  private final @Nullable RandomGenerator random;

  /**
   * Creates a node from {@code c} and the state in its storage, as a follower.
   *
   * @throws IllegalArgumentException if {@code c} does not validate
   * @throws IllegalStateException if the stored state is inconsistent
   */
  Raft(Config c) {
    c.validate();
    // validate() has checked the storage and filled in the default logger.
    Storage storage = Objects.requireNonNull(c.storage());
    RaftLogger raftLogger = Objects.requireNonNull(c.logger());
    this.raftLog = RaftLog.newLogWithSize(storage, raftLogger, c.maxCommittedSizePerReady());
    InitialState is = storage.initialState();
    HardState hs = is.hardState();
    ConfState cs = is.confState();

    this.id = c.id();
    this.lead = NONE;
    this.isLearner = false;
    this.maxMsgSize = c.maxSizePerMsg();
    this.maxUncommittedSize = c.maxUncommittedEntriesSize();
    this.trk = new ProgressTracker(c.maxInflightMsgs(), c.maxInflightBytes());
    this.electionTimeout = c.electionTick();
    this.heartbeatTimeout = c.heartbeatTick();
    this.logger = raftLogger;
    this.checkQuorum = c.checkQuorum();
    this.preVote = c.preVote();
    this.readOnly = new ReadOnly(c.readOnlyOption());
    this.disableProposalForwarding = c.disableProposalForwarding();
    this.disableConfChangeValidation = c.disableConfChangeValidation();
    this.stepDownOnRemoval = c.stepDownOnRemoval();
    this.traceLogger = c.traceLogger();
    this.random = c.random();
    this.state = StateType.STATE_FOLLOWER;

    traceNodeEvent("InitState");

    EntryId lastId = raftLog.lastEntryID();
    Changer.Result restored;
    try {
      restored = Restore.restore(new Changer(trk, lastId.index()), cs);
    } catch (ConfChangeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    assertConfStatesEquivalent(cs, switchToConfig(restored.config(), restored.progress()));

    if (!Util.isEmptyHardState(hs)) {
      loadState(hs);
    }
    if (c.applied() > 0) {
      raftLog.appliedTo(c.applied(), 0);
    }
    becomeFollower(term, NONE);

    StringBuilder peers = new StringBuilder();
    long[] voters = trk.voterNodes();
    for (int i = 0; i < voters.length; i++) {
      if (i > 0) {
        peers.append(',');
      }
      peers.append(Long.toHexString(voters[i]));
    }
    logger.infof(
        "newRaft %x [peers: [%s], term: %d, commit: %d, applied: %d, lastindex: %d, lastterm: %d]",
        id,
        peers.toString(),
        term,
        raftLog.committed(),
        raftLog.applied(),
        lastId.index(),
        lastId.term());
  }

  private void assertConfStatesEquivalent(ConfState cs1, ConfState cs2) {
    String err = ConfStates.equivalenceError(cs1, cs2);
    if (err != null) {
      throw Invariants.panic(logger, "%s", err);
    }
  }

  boolean hasLeader() {
    return lead != NONE;
  }

  SoftState softState() {
    return new SoftState(lead, state);
  }

  HardState hardState() {
    return hardStateBuilder.setTerm(term).setVote(vote).setCommit(raftLog.committed()).build();
  }

  /** True when the hard state equals {@code hs}, without building one. */
  boolean hardStateEquals(HardState hs) {
    return hs.getTerm() == term && hs.getVote() == vote && hs.getCommit() == raftLog.committed();
  }

  /**
   * A cleared message builder, shared by this node's hot paths: build or {@link #send} the message
   * before asking for the builder again.
   */
  Message.Builder reusableMessage() {
    return messageBuilder.clear();
  }

  /** A cleared entry builder, shared like {@link #reusableMessage()}. */
  Entry.Builder reusableEntry() {
    return entryBuilder.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Sending.

  /**
   * Stamps {@code m} with this node as sender and (for all but votes, proposals and read-index
   * requests) the current term, and queues it: acknowledgements of persisted state go to
   * msgsAfterAppend, everything else to msgs.
   */
  void send(Message.Builder m) {
    if (m.getFrom() == NONE) {
      m.setFrom(id);
    }
    MessageType t = m.getType();
    if (t == MessageType.MsgVote
        || t == MessageType.MsgVoteResp
        || t == MessageType.MsgPreVote
        || t == MessageType.MsgPreVoteResp) {
      if (m.getTerm() == 0) {
        // Vote messages carry the term of the (future) election, which may differ from ours.
        throw Invariants.panic(logger, "term should be set when sending %s", t);
      }
    } else {
      if (m.getTerm() != 0) {
        throw Invariants.panic(
            logger, "term should not be set when sending %s (was %d)", t, m.getTerm());
      }
      // Proposals and read-index requests are forwarded as local messages, without a term.
      if (t != MessageType.MsgProp && t != MessageType.MsgReadIndex) {
        m.setTerm(term);
      }
    }
    Message msg = m.build();
    if (t == MessageType.MsgAppResp
        || t == MessageType.MsgVoteResp
        || t == MessageType.MsgPreVoteResp) {
      // Acknowledgements wait for the disk. Each one promises something about this node's durable
      // state: "I hold entries up to Index" (MsgAppResp), "I voted for you in this term"
      // (MsgVoteResp; a pre-vote response is held back with it, as etcd does). Sent before the
      // entries or the vote are fsynced, a crash would break the promise: the leader may count a
      // copy of an entry that no longer exists towards a quorum and commit it on too few disks,
      // or this node may vote twice in one term after a restart and elect two leaders. So they
      // leave only once the Ready that holds the state is persisted (Ready.messages, or the
      // responses of MsgStorageAppend with async writes). They may be addressed to self: the
      // leader's own append and a candidate's own vote count only once durable, too.
      // See docs/messages.md ("Which messages wait for the disk") and docs/ready-loop.md.
      msgsAfterAppend.add(msg);
    } else {
      if (msg.getTo() == id) {
        throw Invariants.panic(logger, "message should not be self-addressed when sending %s", t);
      }
      msgs.add(msg);
    }
    traceSendMessage(msg);
  }

  /** Sends an append (possibly empty, as a probe or commit carrier) to {@code to}. */
  void sendAppend(long to) {
    maybeSendAppend(to, true);
  }

  /**
   * Sends an append with new entries to {@code to}, if its progress allows, or a snapshot if the
   * entries it needs are compacted. With {@code sendIfEmpty} false, nothing is sent when there are
   * no entries to send.
   *
   * @return true if a message was sent
   */
  boolean maybeSendAppend(long to, boolean sendIfEmpty) {
    Progress pr = Objects.requireNonNull(trk.progress().get(to)); // callers iterate tracked peers
    if (pr.isPaused()) {
      return false;
    }
    long prevIndex = pr.next() - 1;
    long prevTerm;
    try {
      prevTerm = raftLog.term(prevIndex);
    } catch (StorageException e) {
      // The entry before Next is compacted: the follower needs a snapshot.
      return maybeSendSnapshot(to, pr);
    }
    List<Entry> ents = List.of();
    boolean failed = false;
    // In StateReplicate with full inflights, send an empty append to carry the commit index.
    if (pr.state() != ProgressState.STATE_REPLICATE || !pr.inflights().full()) {
      try {
        ents = raftLog.entries(pr.next(), maxMsgSize);
      } catch (StorageException e) {
        failed = true;
      }
    }
    if (ents.isEmpty() && !sendIfEmpty) {
      return false;
    }
    if (failed) {
      return maybeSendSnapshot(to, pr);
    }
    long committed = raftLog.committed();
    send(
        reusableMessage()
            .setTo(to)
            .setType(MessageType.MsgApp)
            .setIndex(prevIndex)
            .setLogTerm(prevTerm)
            .addAllEntries(ents)
            .setCommit(committed));
    pr.sentEntries(ents.size(), Util.payloadsSize(ents));
    pr.sentCommit(committed);
    return true;
  }

  /**
   * Sends the storage's snapshot to {@code to} and moves it to StateSnapshot, unless it is not
   * recently active or the snapshot is temporarily unavailable.
   */
  private boolean maybeSendSnapshot(long to, Progress pr) {
    if (!pr.recentActive()) {
      logger.debugf("ignore sending snapshot to %x since it is not recently active", to);
      return false;
    }
    Snapshot snapshot;
    try {
      snapshot = raftLog.snapshot();
    } catch (SnapshotTemporarilyUnavailableException e) {
      logger.debugf(
          "%x failed to send snapshot to %x because snapshot is temporarily unavailable", id, to);
      return false;
    }
    if (Util.isEmptySnap(snapshot)) {
      throw new IllegalStateException("need non-empty snapshot");
    }
    long sindex = snapshot.getMetadata().getIndex();
    long sterm = snapshot.getMetadata().getTerm();
    logger.debugf(
        "%x [firstindex: %d, commit: %d] sent snapshot[index: %d, term: %d] to %x [%s]",
        id, raftLog.firstIndex(), raftLog.committed(), sindex, sterm, to, pr);
    pr.becomeSnapshot(sindex);
    logger.debugf("%x paused sending replication messages to %x [%s]", id, to, pr);
    send(Message.newBuilder().setTo(to).setType(MessageType.MsgSnap).setSnapshot(snapshot));
    return true;
  }

  /**
   * Sends a heartbeat to {@code to} carrying the commit index up to what the follower is known to
   * have (a follower must never commit beyond its log), and {@code ctx} if non-null.
   */
  void sendHeartbeat(long to, @Nullable ByteString ctx) {
    Progress pr = Objects.requireNonNull(trk.progress().get(to)); // callers iterate tracked peers
    long commit = Math.min(pr.match(), raftLog.committed());
    Message.Builder m =
        Message.newBuilder().setTo(to).setType(MessageType.MsgHeartbeat).setCommit(commit);
    if (ctx != null) {
      m.setContext(ctx);
    }
    send(m);
    pr.sentCommit(commit);
  }

  /** Sends appends to every peer but this node, in ascending ID order. */
  void bcastAppend() {
    ProgressMap prs = trk.progress();
    for (int i = 0; i < prs.size(); i++) {
      long to = prs.idAt(i);
      if (to != id) {
        sendAppend(to);
      }
    }
  }

  /** Sends heartbeats to every peer, with the context confirming outstanding reads. */
  void bcastHeartbeat() {
    bcastHeartbeatWithCtx(readOnly.heartbeatCtx());
  }

  private void bcastHeartbeatWithCtx(@Nullable ByteString ctx) {
    ProgressMap prs = trk.progress();
    for (int i = 0; i < prs.size(); i++) {
      long to = prs.idAt(i);
      if (to != id) {
        sendHeartbeat(to, ctx);
      }
    }
  }

  /**
   * Marks entries up to {@code index} applied ({@code size} encoded bytes); a leader in a joint
   * configuration with auto-leave then proposes the transition out of it.
   */
  void appliedTo(long index, long size) {
    long oldApplied = raftLog.applied();
    long newApplied = Math.max(index, oldApplied);
    raftLog.appliedTo(newApplied, size);

    if (trk.config().autoLeave()
        && newApplied >= pendingConfIndex
        && state == StateType.STATE_LEADER) {
      // The joint configuration is applied: propose leaving it. An empty ConfChangeV2 with no
      // data; if it is dropped (say, during a leader transfer), the next apply retries.
      Message m = confChangeToMsg(null);
      try {
        step(m);
        logger.infof("initiating automatic transition out of joint configuration %s", trk.config());
      } catch (ProposalDroppedException e) {
        logger.debugf(
            "not initiating automatic transition out of joint configuration %s: %v",
            trk.config(), e);
      }
    }
  }

  /**
   * Handles a MsgStorageAppendResp of the current term: entries up to {@code (logTerm, index)} are
   * stable ({@code index} 0: none), and so is {@code snap} if not null. {@link RawNode} calls it
   * directly for the acknowledgement a synchronous Ready implies.
   */
  void storageAppended(long index, long logTerm, @Nullable Snapshot snap) {
    if (index != 0) {
      raftLog.stableTo(logTerm, index);
    }
    if (snap != null) {
      appliedSnap(snap);
    }
  }

  /**
   * Handles a MsgStorageApplyResp: committed entries up to {@code index} are applied, of {@code
   * size} encoded and {@code payloadSize} payload bytes. {@link RawNode} calls it directly for the
   * acknowledgement a synchronous Ready implies.
   */
  void storageApplied(long index, long size, long payloadSize) {
    appliedTo(index, size);
    reduceUncommittedSize(payloadSize);
  }

  void appliedSnap(Snapshot snap) {
    long index = snap.getMetadata().getIndex();
    raftLog.stableSnapTo(index);
    appliedTo(index, 0);
  }

  /**
   * Moves the commit index to the quorum's acknowledged index, if that entry is of the current term
   * (Raft §5.4.2).
   *
   * @return true if the commit index moved
   */
  boolean maybeCommit() {
    boolean moved = raftLog.maybeCommit(term, trk.committed());
    traceNodeEvent("Commit");
    return moved;
  }

  /** Enters {@code term} (clearing the vote if it changed) with fresh timers and progress. */
  void reset(long term) {
    if (this.term != term) {
      this.term = term;
      this.vote = NONE;
    }
    lead = NONE;

    electionElapsed = 0;
    heartbeatElapsed = 0;
    resetRandomizedElectionTimeout();

    abortLeaderTransfer();

    trk.resetVotes();
    long last = raftLog.lastIndex();
    ProgressMap prs = trk.progress();
    for (int i = 0; i < prs.size(); i++) {
      long pid = prs.idAt(i);
      Progress old = prs.progressAt(i);
      Progress pr =
          new Progress(
              0,
              last + 1,
              new Inflights(trk.maxInflight(), trk.maxInflightBytes()),
              old.isLearner(),
              false);
      if (pid == id) {
        pr.setMatch(last);
      }
      prs.put(pid, pr);
    }

    pendingConfIndex = 0;
    uncommittedSize = 0;
    readOnly = new ReadOnly(readOnly.option());
  }

  /**
   * Appends proposed entries to the leader's log at the current term, unless they would exceed the
   * uncommitted-size budget, and queues the leader's own acknowledgement.
   *
   * @return false if the entries were dropped
   */
  boolean appendEntry(List<Entry> es) {
    List<Entry> stamped = stamp(es, term, raftLog.lastIndex() + 1);
    if (!increaseUncommittedSize(stamped)) {
      logger.warningf(
          "%x appending new entries to log would exceed uncommitted entry size limit; dropping proposal",
          id);
      return false;
    }
    if (traceLogger != null) {
      for (Entry e : stamped) {
        if (e.getType() == EntryType.EntryNormal) {
          traceNodeEvent("Replicate");
        }
      }
    }
    long li = raftLog.append(stamped);
    // The leader acknowledges its own entries only once they are durable, like any follower.
    send(reusableMessage().setTo(id).setType(MessageType.MsgAppResp).setIndex(li));
    return true;
  }

  /**
   * Returns {@code es} with entry {@code i} at term {@code term} and index {@code first + i}.
   * Entries that already carry exactly that term and index (as {@link ApiMessages#proposedEntry}
   * builds them on a leader) are kept, so a proposal's entries are built once; the list itself is
   * returned when none needs stamping.
   */
  static List<Entry> stamp(List<Entry> es, long term, long first) {
    List<Entry> stamped = null;
    for (int i = 0, n = es.size(); i < n; i++) {
      Entry e = es.get(i);
      if (e.getTerm() != term || e.getIndex() != first + i) {
        if (stamped == null) {
          stamped = new ArrayList<>(es);
        }
        stamped.set(i, e.toBuilder().setTerm(term).setIndex(first + i).build());
      }
    }
    return stamped == null ? es : stamped;
  }

  // ---------------------------------------------------------------------------------------------
  // Ticks and role changes.

  /** Advances the logical clock by one tick. */
  void tick() {
    if (state == StateType.STATE_LEADER) {
      tickHeartbeat();
    } else {
      tickElection();
    }
  }

  /** The tick of followers and candidates: campaign when the election timeout passes. */
  void tickElection() {
    electionElapsed++;
    if (promotable() && pastElectionTimeout()) {
      electionElapsed = 0;
      try {
        step(Message.newBuilder().setFrom(id).setType(MessageType.MsgHup).build());
      } catch (ProposalDroppedException e) {
        logger.debugf("error occurred during election: %v", e);
      }
    }
  }

  /** The leader's tick: heartbeats, check-quorum and leader-transfer timeout. */
  void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;

    if (electionElapsed >= electionTimeout) {
      electionElapsed = 0;
      if (checkQuorum) {
        try {
          step(Message.newBuilder().setFrom(id).setType(MessageType.MsgCheckQuorum).build());
        } catch (ProposalDroppedException e) {
          logger.debugf("error occurred during checking sending heartbeat: %v", e);
        }
      }
      // A transfer that did not finish within an election timeout is abandoned.
      if (state == StateType.STATE_LEADER && leadTransferee != NONE) {
        abortLeaderTransfer();
      }
    }

    if (state != StateType.STATE_LEADER) {
      return;
    }

    if (heartbeatElapsed >= heartbeatTimeout) {
      heartbeatElapsed = 0;
      try {
        step(Message.newBuilder().setFrom(id).setType(MessageType.MsgBeat).build());
      } catch (ProposalDroppedException e) {
        logger.debugf("error occurred during checking sending heartbeat: %v", e);
      }
    }
  }

  void becomeFollower(long term, long lead) {
    reset(term);
    this.lead = lead;
    state = StateType.STATE_FOLLOWER;
    logger.infof("%x became follower at term %d", id, this.term);
    traceNodeEvent("BecomeFollower");
  }

  void becomeCandidate() {
    if (state == StateType.STATE_LEADER) {
      throw new IllegalStateException("invalid transition [leader -> candidate]");
    }
    reset(term + 1);
    vote = id;
    state = StateType.STATE_CANDIDATE;
    logger.infof("%x became candidate at term %d", id, term);
    traceNodeEvent("BecomeCandidate");
  }

  void becomePreCandidate() {
    if (state == StateType.STATE_LEADER) {
      throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
    }
    // Pre-candidacy changes neither the term nor the vote (thesis §9.6).
    trk.resetVotes();
    lead = NONE;
    state = StateType.STATE_PRE_CANDIDATE;
    logger.infof("%x became pre-candidate at term %d", id, term);
  }

  void becomeLeader() {
    if (state == StateType.STATE_FOLLOWER) {
      throw new IllegalStateException("invalid transition [follower -> leader]");
    }
    reset(term);
    lead = id;
    state = StateType.STATE_LEADER;
    // The leader's own progress is always replicating, and always active.
    Progress pr = Objects.requireNonNull(trk.progress().get(id)); // a leader tracks itself
    pr.becomeReplicate();
    pr.setRecentActive(true);

    // Conservatively assume the unapplied tail holds a conf change; proposals of conf changes
    // wait until everything before this term is applied.
    pendingConfIndex = raftLog.lastIndex();

    traceNodeEvent("BecomeLeader");
    // The empty entry commits everything from earlier terms once it commits (Raft §5.4.2).
    if (!appendEntry(List.of(Entry.getDefaultInstance()))) {
      throw Invariants.panic(logger, "empty entry was dropped");
    }
    logger.infof("%x became leader at term %d", id, term);
  }

  /** Starts an election of kind {@code t}, if this node may campaign. */
  void hup(CampaignType t) {
    if (state == StateType.STATE_LEADER) {
      logger.debugf("%x ignoring MsgHup because already leader", id);
      return;
    }
    if (!promotable()) {
      logger.warningf("%x is unpromotable and can not campaign", id);
      return;
    }
    if (hasUnappliedConfChanges()) {
      logger.warningf(
          "%x cannot campaign at term %d since there are still pending configuration changes to apply",
          id, term);
      return;
    }
    logger.infof("%x is starting a new election at term %d", id, term);
    campaign(t);
  }

  /** True if a committed but unapplied entry is a conf change. */
  private boolean hasUnappliedConfChanges() {
    if (raftLog.applied() >= raftLog.committed()) {
      return false;
    }
    long lo = raftLog.applied() + 1;
    long hi = raftLog.committed() + 1;
    boolean[] found = new boolean[1];
    try {
      // Paginated, so a long unapplied tail is not loaded at once.
      raftLog.scan(
          lo,
          hi,
          raftLog.maxApplyingEntsSize(),
          ents -> {
            for (int i = 0; i < ents.size(); i++) {
              EntryType t = ents.get(i).getType();
              if (t == EntryType.EntryConfChange || t == EntryType.EntryConfChangeV2) {
                found[0] = true;
                return false;
              }
            }
            return true;
          });
    } catch (StorageException e) {
      throw Invariants.panic(logger, "error scanning unapplied entries [%d, %d): %v", lo, hi, e);
    }
    return found[0];
  }

  /**
   * Becomes (pre-)candidate and asks every voter for its vote; the node's own vote is sent to
   * itself after the append, so it counts only once persisted.
   */
  void campaign(CampaignType t) {
    if (!promotable()) {
      // Callers check promotable first; this flags a bug without refusing to campaign.
      logger.warningf("%x is unpromotable; campaign() should have been called", id);
    }
    long voteTerm;
    MessageType voteMsg;
    if (t == CampaignType.CAMPAIGN_PRE_ELECTION) {
      becomePreCandidate();
      voteMsg = MessageType.MsgPreVote;
      // Pre-vote for the term we would campaign in, without incrementing ours.
      voteTerm = term + 1;
    } else {
      becomeCandidate();
      voteMsg = MessageType.MsgVote;
      voteTerm = term;
    }
    long[] ids = trk.config().voters().ids().slice();
    for (long to : ids) {
      if (to == id) {
        send(
            Message.newBuilder()
                .setTo(to)
                .setTerm(voteTerm)
                .setType(Messages.voteRespMsgType(voteMsg)));
        continue;
      }
      EntryId last = raftLog.lastEntryID();
      logger.infof(
          "%x [logterm: %d, index: %d] sent %s request to %x at term %d",
          id, last.term(), last.index(), voteMsg, to, term);
      Message.Builder m =
          Message.newBuilder()
              .setTo(to)
              .setTerm(voteTerm)
              .setType(voteMsg)
              .setIndex(last.index())
              .setLogTerm(last.term());
      if (t == CampaignType.CAMPAIGN_TRANSFER) {
        m.setContext(t.bytes());
      }
      send(m);
    }
  }

  /** Records a vote and tallies the election. */
  ProgressTracker.Tally poll(long from, MessageType t, boolean v) {
    if (v) {
      logger.infof("%x received %s from %x at term %d", id, t, from, term);
    } else {
      logger.infof("%x received %s rejection from %x at term %d", id, t, from, term);
    }
    trk.recordVote(from, v);
    return trk.tallyVotes();
  }

  // ---------------------------------------------------------------------------------------------
  // Step: the common handling of every message, then the role's step function.

  /**
   * Advances the state machine with {@code m}: term checks, elections and storage acknowledgements
   * here, the rest in the role's step function.
   *
   * @throws ProposalDroppedException if {@code m} is a proposal that was dropped
   * @throws IllegalArgumentException if {@code m} carries a negative term or index
   */
  void step(Message m) {
    TermsAndIndexes.check(m);
    traceReceiveMessage(m);
    long mterm = m.getTerm();
    MessageType type = m.getType();
    if (mterm == 0) {
      // Local message.
    } else if (mterm > term) {
      if (type == MessageType.MsgVote || type == MessageType.MsgPreVote) {
        boolean force = m.getContext().equals(CampaignType.CAMPAIGN_TRANSFER.bytes());
        boolean inLease = checkQuorum && lead != NONE && electionElapsed < electionTimeout;
        if (!force && inLease) {
          // Heard from a leader within the minimum election timeout: do not let a partitioned
          // node disrupt it with a higher term (thesis §4.2.3).
          EntryId last = raftLog.lastEntryID();
          logger.infof(
              "%x [logterm: %d, index: %d, vote: %x] ignored %s from %x [logterm: %d, index: %d] at term %d: lease is not expired (remaining ticks: %d)",
              id,
              last.term(),
              last.index(),
              vote,
              type,
              m.getFrom(),
              m.getLogTerm(),
              m.getIndex(),
              term,
              electionTimeout - electionElapsed);
          return;
        }
      }
      if (type == MessageType.MsgPreVote) {
        // A pre-vote never changes our term.
      } else if (type == MessageType.MsgPreVoteResp && !m.getReject()) {
        // A granted pre-vote carries the future term; we bump it when we win the pre-vote. A
        // rejection carries the voter's real term, and we follow it below.
      } else {
        logger.infof(
            "%x [term: %d] received a %s message with higher term from %x [term: %d]",
            id, term, type, m.getFrom(), mterm);
        if (type == MessageType.MsgApp
            || type == MessageType.MsgHeartbeat
            || type == MessageType.MsgSnap) {
          becomeFollower(mterm, m.getFrom());
        } else {
          becomeFollower(mterm, NONE);
        }
      }
    } else if (mterm < term) {
      if ((checkQuorum || preVote)
          && (type == MessageType.MsgHeartbeat || type == MessageType.MsgApp)) {
        // A stale leader, perhaps cut off and unaware of the new term (or a node whose pre-vote
        // keeps it from bumping its term): answer at our term so it steps down.
        send(Message.newBuilder().setTo(m.getFrom()).setType(MessageType.MsgAppResp));
      } else if (type == MessageType.MsgPreVote) {
        // Reject explicitly, or a pre-candidate with a lower term would wait forever.
        EntryId last = raftLog.lastEntryID();
        logger.infof(
            "%x [logterm: %d, index: %d, vote: %x] rejected %s from %x [logterm: %d, index: %d] at term %d",
            id,
            last.term(),
            last.index(),
            vote,
            type,
            m.getFrom(),
            m.getLogTerm(),
            m.getIndex(),
            term);
        send(
            Message.newBuilder()
                .setTo(m.getFrom())
                .setTerm(term)
                .setType(MessageType.MsgPreVoteResp)
                .setReject(true));
      } else if (type == MessageType.MsgStorageAppendResp) {
        // Entries written in an older term may have been replaced since (ABA), so they are not
        // marked stable; a snapshot, though, is the same whatever the term.
        if (m.getIndex() != 0) {
          logger.infof(
              "%x [term: %d] ignored entry appends from a %s message with lower term [term: %d]",
              id, term, type, mterm);
        }
        if (m.hasSnapshot()) {
          appliedSnap(m.getSnapshot());
        }
      } else {
        logger.infof(
            "%x [term: %d] ignored a %s message with lower term from %x [term: %d]",
            id, term, type, m.getFrom(), mterm);
      }
      return;
    }

    switch (type) {
      case MsgHup:
        hup(preVote ? CampaignType.CAMPAIGN_PRE_ELECTION : CampaignType.CAMPAIGN_ELECTION);
        break;

      case MsgStorageAppendResp:
        storageAppended(m.getIndex(), m.getLogTerm(), m.hasSnapshot() ? m.getSnapshot() : null);
        break;

      case MsgStorageApplyResp:
        if (m.getEntriesCount() > 0) {
          List<Entry> ents = m.getEntriesList();
          storageApplied(
              ents.get(ents.size() - 1).getIndex(), Util.entsSize(ents), Util.payloadsSize(ents));
        }
        break;

      case MsgVote:
      case MsgPreVote:
        stepVote(m);
        break;

      default:
        switch (state) {
          case STATE_LEADER:
            stepLeader(m);
            break;
          case STATE_FOLLOWER:
            stepFollower(m);
            break;
          default:
            stepCandidate(m);
            break;
        }
        break;
    }
  }

  /**
   * etcd's line for a vote decision: "cast MsgVote for 2 ..." or "rejected MsgPreVote from 3 ...".
   */
  private void logVoteDecision(
      String verdict, MessageType type, String preposition, long from, EntryId last, EntryId cand) {
    logger.infof(
        "%x [logterm: %d, index: %d, vote: %x] %s %s %s %x [logterm: %d, index: %d] at term %d",
        id,
        last.term(),
        last.index(),
        vote,
        verdict,
        type,
        preposition,
        from,
        cand.term(),
        cand.index(),
        term);
  }

  /** Grants or rejects a vote or pre-vote request (Raft §5.2, §5.4.1; thesis §9.6). */
  private void stepVote(Message m) {
    MessageType type = m.getType();
    // We can vote if this is a repeat of a vote we cast, or we have not voted and know of no
    // leader in this term, or this is a pre-vote for a future term.
    boolean canVote =
        vote == m.getFrom()
            || (vote == NONE && lead == NONE)
            || (type == MessageType.MsgPreVote && m.getTerm() > term);
    EntryId lastId = raftLog.lastEntryID();
    EntryId candLastId = new EntryId(m.getLogTerm(), m.getIndex());
    if (canVote && raftLog.isUpToDate(candLastId)) {
      logVoteDecision("cast", type, "for", m.getFrom(), lastId, candLastId);
      // The reply carries the request's term: for a pre-vote that is the future term, and the
      // candidate ignores replies from other terms.
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setTerm(m.getTerm())
              .setType(Messages.voteRespMsgType(type)));
      if (type == MessageType.MsgVote) {
        // Only a real vote is recorded, and it resets the election timer.
        electionElapsed = 0;
        vote = m.getFrom();
      }
    } else {
      logVoteDecision("rejected", type, "from", m.getFrom(), lastId, candLastId);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setTerm(term)
              .setType(Messages.voteRespMsgType(type))
              .setReject(true));
    }
  }

  private void stepLeader(Message m) {
    // Messages that need no progress of the sender.
    switch (m.getType()) {
      case MsgBeat:
        bcastHeartbeat();
        return;
      case MsgCheckQuorum:
        if (!trk.quorumActive()) {
          logger.warningf("%x stepped down to follower since quorum is not active", id);
          becomeFollower(term, NONE);
        }
        // Mark everyone but ourselves inactive for the next round.
        ProgressMap prs = trk.progress();
        for (int i = 0; i < prs.size(); i++) {
          if (prs.idAt(i) != id) {
            prs.progressAt(i).setRecentActive(false);
          }
        }
        return;
      case MsgProp:
        stepLeaderProp(m);
        return;
      case MsgReadIndex:
        // A single voter answers at once: nobody else can have a newer commit index.
        if (trk.isSingleton()) {
          Message resp = responseToReadIndexReq(m, raftLog.committed());
          if (resp != null) {
            send(resp.toBuilder());
          }
          return;
        }
        // Until an entry of this term commits, the commit index may lag the true one
        // (thesis §6.4): hold the request until then.
        if (!committedEntryInCurrentTerm()) {
          pendingReadIndexMessages.add(m);
          return;
        }
        sendMsgReadIndexResponse(m);
        return;
      case MsgForgetLeader:
        return; // no-op on the leader
      default:
        break;
    }

    // Messages that need the sender's progress.
    Progress pr = trk.progress().get(m.getFrom());
    if (pr == null) {
      logger.debugf("%x no progress available for %x", id, m.getFrom());
      return;
    }
    switch (m.getType()) {
      case MsgAppResp:
        stepLeaderAppResp(m, pr);
        break;
      case MsgHeartbeatResp:
        pr.setRecentActive(true);
        pr.setMsgAppFlowPaused(false);
        // Follower behind (or being probed): the heartbeat response is our chance to append.
        if (pr.match() < raftLog.lastIndex() || pr.state() == ProgressState.STATE_PROBE) {
          sendAppend(m.getFrom());
        }
        if (readOnly.option() != ReadOnlyOption.READ_ONLY_SAFE || m.getContext().isEmpty()) {
          return;
        }
        readOnly.recvAck(m.getFrom(), m.getContext());
        List<ReadOnly.ReadIndexRequest> rss = readOnly.maybeAdvance(trk.config().voters());
        for (ReadOnly.ReadIndexRequest rs : rss) {
          Message resp = responseToReadIndexReq(rs.req(), rs.index());
          if (resp != null) {
            send(resp.toBuilder());
          }
        }
        break;
      case MsgSnapStatus:
        if (pr.state() != ProgressState.STATE_SNAPSHOT) {
          return;
        }
        if (!m.getReject()) {
          pr.becomeProbe();
          logger.debugf(
              "%x snapshot succeeded, resumed sending replication messages to %x [%s]",
              id, m.getFrom(), pr);
        } else {
          // The snapshot failed: forget it, so that probing restarts from Match+1.
          pr.setPendingSnapshot(0);
          pr.becomeProbe();
          logger.debugf(
              "%x snapshot failed, resumed sending replication messages to %x [%s]",
              id, m.getFrom(), pr);
        }
        // Wait for a heartbeat response before probing: the snapshot may still be in flight.
        pr.setMsgAppFlowPaused(true);
        break;
      case MsgUnreachable:
        // Optimistic appends were likely lost: fall back to probing.
        if (pr.state() == ProgressState.STATE_REPLICATE) {
          pr.becomeProbe();
        }
        logger.debugf(
            "%x failed to send message to %x because it is unreachable [%s]", id, m.getFrom(), pr);
        break;
      case MsgTransferLeader:
        stepLeaderTransfer(m, pr);
        break;
      default:
        break;
    }
  }

  /** The leader's handling of a proposal: checks, conf-change validation, append, broadcast. */
  private void stepLeaderProp(Message m) {
    stepLeaderProp(m.getEntriesList());
  }

  /**
   * The leader's handling of a MsgProp carrying {@code entries}; {@link RawNode} calls it directly
   * on a leader, where stepping the message would do nothing else.
   *
   * @throws ProposalDroppedException if the proposal was dropped
   */
  void stepLeaderProp(List<Entry> entries) {
    if (entries.isEmpty()) {
      throw Invariants.panic(logger, "%x stepped empty MsgProp", id);
    }
    if (trk.progress().get(id) == null) {
      // Removed from the configuration while leader (without stepDownOnRemoval).
      throw ProposalDroppedException.INSTANCE;
    }
    if (leadTransferee != NONE) {
      logger.debugf(
          "%x [term %d] transfer leadership to %x is in progress; dropping proposal",
          id, term, leadTransferee);
      throw ProposalDroppedException.INSTANCE;
    }

    List<Entry> replaced = null;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      ConfChangeI cc = decodeConfChange(e);
      if (cc == null) {
        continue;
      }
      boolean alreadyPending = pendingConfIndex > raftLog.applied();
      boolean alreadyJoint = trk.config().voters().outgoing().size() > 0;
      boolean wantsLeaveJoint = cc.asV2().getChangesCount() == 0;

      String failedCheck = null;
      if (alreadyPending) {
        failedCheck =
            GoFormat.format(
                "possible unapplied conf change at index %d (applied to %d)",
                pendingConfIndex, raftLog.applied());
      } else if (alreadyJoint && !wantsLeaveJoint) {
        failedCheck = "must transition out of joint config first";
      } else if (!alreadyJoint && wantsLeaveJoint) {
        failedCheck = "not in joint state; refusing empty conf change";
      }

      if (failedCheck != null && !disableConfChangeValidation) {
        logger.infof(
            "%x ignoring conf change %s at config %s: %s",
            id, Describe.describeConfChange(cc.asV2()), trk.config(), failedCheck);
        // Keep the index, drop the change.
        if (replaced == null) {
          replaced = new ArrayList<>(entries);
        }
        replaced.set(i, Entry.newBuilder().setType(EntryType.EntryNormal).build());
      } else {
        pendingConfIndex = raftLog.lastIndex() + i + 1;
        traceChangeConf(cc);
      }
    }

    if (!appendEntry(replaced != null ? replaced : entries)) {
      throw ProposalDroppedException.INSTANCE;
    }
    bcastAppend();
  }

  /** The conf change carried by {@code e}, or null for a normal entry. */
  private static @Nullable ConfChangeI decodeConfChange(Entry e) {
    try {
      if (e.getType() == EntryType.EntryConfChange) {
        return ConfChangeI.of(ConfChange.parseFrom(e.getData()));
      } else if (e.getType() == EntryType.EntryConfChangeV2) {
        return ConfChangeI.of(ConfChangeV2.parseFrom(e.getData()));
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(ex.getMessage(), ex);
    }
    return null;
  }

  /** The leader's handling of an append acknowledgement or rejection. */
  private void stepLeaderAppResp(Message m, Progress pr) {
    long from = m.getFrom();
    // Any response proves the follower is alive; check-quorum counts on it.
    pr.setRecentActive(true);

    if (m.getReject()) {
      // The follower's log does not match at m.Index. Its hint is (RejectHint, LogTerm): the last
      // entry at or below m.Index whose term is at most the term we sent, and that term, on its
      // side. Probing one index at a time from there would cost a round trip per divergent entry,
      // which after a long partition means hours. Instead, the leader skips every index where it
      // already knows a probe must fail (fast log rejection):
      //
      //   index        1 2 3 4 5 6 7 8
      //   term (L)     1 2 2 4 4 4 4 4        leader probes at (8, 4)
      //   term (F)     1 2 2 3 3 3            follower rejects with hint (6, 3)
      //
      // At indexes 6, 5 and 4 the leader's term is 4 > 3. A probe there could succeed only if the
      // follower had term 4 at that index, but the follower has term 3 at index 6, and terms never
      // decrease along a log, so it has at most 3 at 4..6. findConflictByTerm(6, 3) on the leader
      // returns the last index whose term is <= 3: index 3, where the next probe succeeds. At
      // most one probe per term in the leader's log. The follower does the mirror-image search
      // before it answers (handleAppendEntries), which helps when its divergent tail has the
      // higher terms. See docs/raft-log.md ("Finding where two logs match").
      logger.debugf(
          "%x received MsgAppResp(rejected, hint: (index %d, term %d)) from %x for index %d",
          id, m.getRejectHint(), m.getLogTerm(), from, m.getIndex());
      long nextProbeIdx = m.getRejectHint();
      if (m.getLogTerm() > 0) {
        nextProbeIdx = raftLog.findConflictByTerm(m.getRejectHint(), m.getLogTerm()).index();
      }
      if (pr.maybeDecrTo(m.getIndex(), nextProbeIdx)) {
        logger.debugf("%x decreased progress of %x to [%s]", id, from, pr);
        if (pr.state() == ProgressState.STATE_REPLICATE) {
          pr.becomeProbe();
        }
        sendAppend(from);
      }
      return;
    }

    // An ack. In StateProbe an ack at the current match also proves the follower's log matches,
    // so replication can start.
    if (pr.maybeUpdate(m.getIndex())
        || (pr.match() == m.getIndex() && pr.state() == ProgressState.STATE_PROBE)) {
      if (pr.state() == ProgressState.STATE_PROBE) {
        pr.becomeReplicate();
      } else if (pr.state() == ProgressState.STATE_SNAPSHOT
          && pr.match() + 1 >= raftLog.firstIndex()) {
        // The follower caught up past the compaction point (through the snapshot, or by normal
        // appends): it can be replicated to again. Probe first, as the snapshot set Next.
        logger.debugf(
            "%x recovered from needing snapshot, resumed sending replication messages to %x [%s]",
            id, from, pr);
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state() == ProgressState.STATE_REPLICATE) {
        pr.inflights().freeLE(m.getIndex());
      }

      if (maybeCommit()) {
        // Committing an entry of this term releases reads held since the election.
        releasePendingReadIndexMessages();
        bcastAppend();
      } else if (id != from && pr.canBumpCommit(raftLog.committed())) {
        // The follower may not know the latest commit index; tell it, with an empty append if
        // need be.
        sendAppend(from);
      }
      // Fill the freed inflight slots; stop when there is nothing more or the window is full.
      if (id != from) {
        while (maybeSendAppend(from, false)) {
          // keep sending
        }
      }
      // The transferee caught up: tell it to campaign.
      if (from == leadTransferee && pr.match() == raftLog.lastIndex()) {
        logger.infof("%x sent MsgTimeoutNow to %x after received MsgAppResp", id, from);
        sendTimeoutNow(from);
      }
    }
  }

  /** The leader's handling of a leader-transfer request (thesis §3.10). */
  private void stepLeaderTransfer(Message m, Progress pr) {
    if (pr.isLearner()) {
      logger.debugf("%x is learner. Ignored transferring leadership", id);
      return;
    }
    long transferee = m.getFrom();
    long lastLeadTransferee = leadTransferee;
    if (lastLeadTransferee != NONE) {
      if (lastLeadTransferee == transferee) {
        logger.infof(
            "%x [term %d] transfer leadership to %x is in progress, ignores request to same node %x",
            id, term, transferee, transferee);
        return;
      }
      abortLeaderTransfer();
      logger.infof(
          "%x [term %d] abort previous transferring leadership to %x",
          id, term, lastLeadTransferee);
    }
    if (transferee == id) {
      logger.debugf("%x is already leader. Ignored transferring leadership to self", id);
      return;
    }
    // The transfer must finish within an election timeout, or it is aborted.
    logger.infof("%x [term %d] starts to transfer leadership to %x", id, term, transferee);
    electionElapsed = 0;
    leadTransferee = transferee;
    if (pr.match() == raftLog.lastIndex()) {
      sendTimeoutNow(transferee);
      logger.infof(
          "%x sends MsgTimeoutNow to %x immediately as %x already has up-to-date log",
          id, transferee, transferee);
    } else {
      sendAppend(transferee);
    }
  }

  /** The step function of candidates and pre-candidates. */
  private void stepCandidate(Message m) {
    // Only responses matching our campaign count: a pre-candidate may still receive late
    // MsgVoteResp from an earlier real campaign, and a candidate late MsgPreVoteResp.
    MessageType myVoteRespType =
        state == StateType.STATE_PRE_CANDIDATE
            ? MessageType.MsgPreVoteResp
            : MessageType.MsgVoteResp;
    MessageType type = m.getType();
    switch (type) {
      case MsgProp:
        logger.infof("%x no leader at term %d; dropping proposal", id, term);
        throw ProposalDroppedException.INSTANCE;
      case MsgApp:
        becomeFollower(m.getTerm(), m.getFrom()); // always m.Term == r.Term
        handleAppendEntries(m);
        break;
      case MsgHeartbeat:
        becomeFollower(m.getTerm(), m.getFrom()); // always m.Term == r.Term
        handleHeartbeat(m);
        break;
      case MsgSnap:
        becomeFollower(m.getTerm(), m.getFrom()); // always m.Term == r.Term
        handleSnapshot(m);
        break;
      case MsgTimeoutNow:
        logger.debugf(
            "%x [term %d state %v] ignored MsgTimeoutNow from %x", id, term, state, m.getFrom());
        break;
      default:
        if (type == myVoteRespType) {
          ProgressTracker.Tally tally = poll(m.getFrom(), type, !m.getReject());
          logger.infof(
              "%x has received %d %s votes and %d vote rejections",
              id, tally.granted(), type, tally.rejected());
          if (tally.result() == VoteResult.VOTE_WON) {
            if (state == StateType.STATE_PRE_CANDIDATE) {
              campaign(CampaignType.CAMPAIGN_ELECTION);
            } else {
              becomeLeader();
              bcastAppend();
            }
          } else if (tally.result() == VoteResult.VOTE_LOST) {
            // MsgPreVoteResp carries a future term, so revert to our own term.
            becomeFollower(term, NONE);
          }
        }
        break;
    }
  }

  private void stepFollower(Message m) {
    switch (m.getType()) {
      case MsgProp:
        if (lead == NONE) {
          logger.infof("%x no leader at term %d; dropping proposal", id, term);
          throw ProposalDroppedException.INSTANCE;
        } else if (disableProposalForwarding) {
          logger.infof(
              "%x not forwarding to leader %x at term %d; dropping proposal", id, lead, term);
          throw ProposalDroppedException.INSTANCE;
        }
        send(m.toBuilder().setTo(lead));
        break;
      case MsgApp:
        electionElapsed = 0;
        lead = m.getFrom();
        handleAppendEntries(m);
        break;
      case MsgHeartbeat:
        electionElapsed = 0;
        lead = m.getFrom();
        handleHeartbeat(m);
        break;
      case MsgSnap:
        electionElapsed = 0;
        lead = m.getFrom();
        handleSnapshot(m);
        break;
      case MsgTransferLeader:
        if (lead == NONE) {
          logger.infof("%x no leader at term %d; dropping leader transfer msg", id, term);
          return;
        }
        send(m.toBuilder().setTo(lead));
        break;
      case MsgForgetLeader:
        // Forgetting the leader would let the lease read serve stale data.
        if (readOnly.option() == ReadOnlyOption.READ_ONLY_LEASE_BASED) {
          logger.errorf("ignoring MsgForgetLeader due to ReadOnlyLeaseBased");
          return;
        }
        if (lead != NONE) {
          logger.infof("%x forgetting leader %x at term %d", id, lead, term);
          lead = NONE;
        }
        break;
      case MsgTimeoutNow:
        // Campaign at once, without pre-vote: the leader asked us to, and other voters will
        // grant the vote despite their lease thanks to the transfer context.
        logger.infof(
            "%x [term %d] received MsgTimeoutNow from %x and starts an election to get leadership.",
            id, term, m.getFrom());
        hup(CampaignType.CAMPAIGN_TRANSFER);
        break;
      case MsgReadIndex:
        if (lead == NONE) {
          logger.infof("%x no leader at term %d; dropping index reading msg", id, term);
          return;
        }
        send(m.toBuilder().setTo(lead));
        break;
      case MsgReadIndexResp:
        if (m.getEntriesCount() != 1) {
          logger.errorf(
              "%x invalid format of MsgReadIndexResp from %x, entries count: %d",
              id, m.getFrom(), m.getEntriesCount());
          return;
        }
        readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData()));
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Follower-side handling of the leader's messages.

  void handleAppendEntries(Message m) {
    LogSlice a =
        new LogSlice(m.getTerm(), new EntryId(m.getLogTerm(), m.getIndex()), m.getEntriesList());
    if (a.prev().index() < raftLog.committed()) {
      // Everything up to our commit index is known to match; say so.
      send(
          reusableMessage()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(raftLog.committed()));
      return;
    }
    long mlastIndex = raftLog.maybeAppend(a, m.getCommit());
    if (mlastIndex != RaftLog.NOT_APPENDED) {
      send(
          reusableMessage()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(mlastIndex));
      return;
    }
    logger.debugf(
        "%x [logterm: %d, index: %d] rejected MsgApp [logterm: %d, index: %d] from %x",
        id,
        raftLog.zeroTermOnOutOfBounds(m.getIndex()),
        m.getIndex(),
        m.getLogTerm(),
        m.getIndex(),
        m.getFrom());

    // Hint the leader at the last index that may match: the largest index <= m.Index whose term
    // is <= m.LogTerm. Entries above it cannot match (their terms exceed m.LogTerm, or they are
    // beyond our log), so the leader can skip them all at once.
    long hintIndex = Math.min(m.getIndex(), raftLog.lastIndex());
    EntryId hint = raftLog.findConflictByTerm(hintIndex, m.getLogTerm());
    send(
        Message.newBuilder()
            .setTo(m.getFrom())
            .setType(MessageType.MsgAppResp)
            .setIndex(m.getIndex())
            .setReject(true)
            .setRejectHint(hint.index())
            .setLogTerm(hint.term()));
  }

  void handleHeartbeat(Message m) {
    raftLog.commitTo(m.getCommit());
    Message.Builder resp =
        Message.newBuilder().setTo(m.getFrom()).setType(MessageType.MsgHeartbeatResp);
    if (m.hasContext()) {
      resp.setContext(m.getContext());
    }
    send(resp);
  }

  void handleSnapshot(Message m) {
    // etcd completes the snapshot's metadata first; its presence shows in the lines below.
    Snapshot s = Presence.ensure(m.getSnapshot());
    long sindex = s.getMetadata().getIndex();
    long sterm = s.getMetadata().getTerm();
    if (restore(s)) {
      logger.infof(
          "%x [commit: %d] restored snapshot [index: %d, term: %d]",
          id, raftLog.committed(), sindex, sterm);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(raftLog.lastIndex()));
    } else {
      logger.infof(
          "%x [commit: %d] ignored snapshot [index: %d, term: %d]",
          id, raftLog.committed(), sindex, sterm);
      send(
          Message.newBuilder()
              .setTo(m.getFrom())
              .setType(MessageType.MsgAppResp)
              .setIndex(raftLog.committed()));
    }
  }

  /**
   * Replaces the log with snapshot {@code s} and the configuration with its ConfState.
   *
   * @return false if the snapshot was ignored (old, not for us, or already matched, in which case
   *     only the commit index moves)
   */
  boolean restore(Snapshot s) {
    if (s.getMetadata().getIndex() <= raftLog.committed()) {
      return false;
    }
    if (state != StateType.STATE_FOLLOWER) {
      // Defensive: a leader or candidate never receives a snapshot of its own term. Step down to
      // a new term so no leader of this term can be confused by us.
      logger.warningf("%x attempted to restore snapshot as leader; should never happen", id);
      becomeFollower(term + 1, NONE);
      return false;
    }

    // A snapshot without us in its configuration would leave us in limbo.
    ConfState cs = Presence.ensure(s.getMetadata().getConfState());
    boolean found =
        contains(cs.getVotersList(), id)
            || contains(cs.getLearnersList(), id)
            || contains(cs.getVotersOutgoingList(), id);
    if (!found) {
      logger.warningf(
          "%x attempted to restore snapshot but it is not in the ConfState %v; should never happen",
          id, cs);
      return false;
    }

    // The snapshot's last entry is in our log: the log already holds everything the snapshot
    // does, so only the commit index moves.
    EntryId sid = new EntryId(s.getMetadata().getTerm(), s.getMetadata().getIndex());
    if (raftLog.matchTerm(sid)) {
      EntryId last = raftLog.lastEntryID();
      logger.infof(
          "%x [commit: %d, lastindex: %d, lastterm: %d] fast-forwarded commit to snapshot [index: %d, term: %d]",
          id, raftLog.committed(), last.index(), last.term(), sid.index(), sid.term());
      raftLog.commitTo(s.getMetadata().getIndex());
      return false;
    }

    raftLog.restore(s);

    // Rebuild the configuration from the snapshot's.
    trk = new ProgressTracker(trk.maxInflight(), trk.maxInflightBytes());
    Changer.Result restored;
    try {
      restored = Restore.restore(new Changer(trk, raftLog.lastIndex()), cs);
    } catch (ConfChangeException e) {
      throw new IllegalStateException(
          GoFormat.format(
              "unable to restore config %s: %s", Describe.describeConfState(cs), e.getMessage()),
          e);
    }
    assertConfStatesEquivalent(cs, switchToConfig(restored.config(), restored.progress()));

    EntryId last = raftLog.lastEntryID();
    logger.infof(
        "%x [commit: %d, lastindex: %d, lastterm: %d] restored snapshot [index: %d, term: %d]",
        id, raftLog.committed(), last.index(), last.term(), sid.index(), sid.term());
    return true;
  }

  private static boolean contains(List<Long> ids, long id) {
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == id) {
        return true;
      }
    }
    return false;
  }

  /**
   * True if this node may become leader: it is a voter, and no snapshot is pending (a node
   * restoring a snapshot might not have the configuration it holds).
   */
  boolean promotable() {
    Progress pr = trk.progress().get(id);
    return pr != null && !pr.isLearner() && !raftLog.hasNextOrInProgressSnapshot();
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration changes.

  /** Applies a committed conf change and returns the resulting ConfState. */
  ConfState applyConfChange(ConfChangeV2 cc) {
    Changer changer = new Changer(trk, raftLog.lastIndex());
    Changer.Result res;
    try {
      if (ConfChanges.leaveJoint(cc)) {
        res = changer.leaveJoint();
      } else {
        ConfChanges.EnterJoint ej = ConfChanges.enterJoint(cc);
        if (ej.ok()) {
          res = changer.enterJoint(ej.autoLeave(), cc.getChangesList());
        } else {
          res = changer.simple(cc.getChangesList());
        }
      }
    } catch (ConfChangeException e) {
      // A committed change that cannot be applied: the log is inconsistent with the
      // configuration (etcd panics).
      throw new IllegalStateException(e.getMessage(), e);
    }
    traceNodeEvent("ApplyConfChange");
    return switchToConfig(res.config(), res.progress());
  }

  /**
   * Installs a new configuration and progress map: updates whether this node is a learner, steps a
   * removed leader down if so configured, and on a leader commits and probes under the new quorum.
   */
  ConfState switchToConfig(TrackerConfig cfg, ProgressMap prs) {
    trk.setConfig(cfg);
    trk.setProgress(prs);

    logger.infof("%x switched to configuration %s", id, trk.config());
    ConfState cs = trk.confState();
    Progress pr = trk.progress().get(id);

    // We may have been removed or demoted; a learner cannot campaign.
    isLearner = pr != null && pr.isLearner();

    if ((pr == null || isLearner) && state == StateType.STATE_LEADER) {
      // A removed or demoted leader keeps leading until it steps down; without
      // stepDownOnRemoval it stays leader but drops every proposal.
      if (stepDownOnRemoval) {
        becomeFollower(term, NONE);
      }
      return cs;
    }

    // The rest concerns active leaders with voters.
    if (state != StateType.STATE_LEADER || cs.getVotersCount() == 0) {
      return cs;
    }

    if (maybeCommit()) {
      // The new quorum may commit more; broadcast the new commit index.
      bcastAppend();
    } else {
      // Probe newly added peers, as appends would otherwise wait for the next heartbeat.
      ProgressMap all = trk.progress();
      for (int i = 0; i < all.size(); i++) {
        long to = all.idAt(i);
        if (to != id) {
          maybeSendAppend(to, false);
        }
      }
    }
    // The transferee is no longer a voter: abort the transfer.
    if (leadTransferee != NONE
        && !trk.config().voters().incoming().contains(leadTransferee)
        && !trk.config().voters().outgoing().contains(leadTransferee)) {
      abortLeaderTransfer();
    }
    return cs;
  }

  /** Loads a persisted hard state. */
  void loadState(HardState hs) {
    if (hs.getCommit() < raftLog.committed() || hs.getCommit() > raftLog.lastIndex()) {
      throw Invariants.panic(
          logger,
          "%x state.commit %d is out of range [%d, %d]",
          id,
          hs.getCommit(),
          raftLog.committed(),
          raftLog.lastIndex());
    }
    raftLog.setCommitted(hs.getCommit());
    term = hs.getTerm();
    vote = hs.getVote();
  }

  /** True when the election timer reached the randomized timeout. */
  boolean pastElectionTimeout() {
    return electionElapsed >= randomizedElectionTimeout;
  }

  void resetRandomizedElectionTimeout() {
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    randomizedElectionTimeout = electionTimeout + r.nextInt(electionTimeout);
  }

  /** Sets the randomized election timeout until the next role change: a hook for tests. */
  void setRandomizedElectionTimeout(int timeout) {
    randomizedElectionTimeout = timeout;
  }

  void sendTimeoutNow(long to) {
    send(Message.newBuilder().setTo(to).setType(MessageType.MsgTimeoutNow));
  }

  void abortLeaderTransfer() {
    leadTransferee = NONE;
  }

  /** True if the entry at the commit index is of the current term. */
  boolean committedEntryInCurrentTerm() {
    // The term of the committed entry is always available: committed >= snapshot index.
    return raftLog.zeroTermOnOutOfBounds(raftLog.committed()) == term;
  }

  /**
   * Answers a read-index request at {@code readIndex}: locally as a ReadState if it is this node's
   * own (returns null), otherwise with a MsgReadIndexResp to return.
   */
  private @Nullable Message responseToReadIndexReq(Message req, long readIndex) {
    if (req.getFrom() == NONE || req.getFrom() == id) {
      readStates.add(new ReadState(readIndex, req.getEntries(0).getData()));
      return null;
    }
    return Message.newBuilder()
        .setType(MessageType.MsgReadIndexResp)
        .setTo(req.getFrom())
        .setIndex(readIndex)
        .addAllEntries(req.getEntriesList())
        .build();
  }

  /**
   * Accounts for new uncommitted payload bytes, refusing them when over the budget. The first batch
   * is always accepted while the tail is empty (so one oversized proposal still goes through), and
   * empty entries are never refused.
   */
  boolean increaseUncommittedSize(List<Entry> ents) {
    long s = Util.payloadsSize(ents);
    if (uncommittedSize > 0
        && s > 0
        && Long.compareUnsigned(uncommittedSize + s, maxUncommittedSize) > 0) {
      return false;
    }
    uncommittedSize += s;
    return true;
  }

  /** Releases payload bytes of applied entries; saturates at zero. */
  void reduceUncommittedSize(long s) {
    if (s > uncommittedSize) {
      // Entries from an earlier term, or counted before a reset.
      uncommittedSize = 0;
    } else {
      uncommittedSize -= s;
    }
  }

  private void releasePendingReadIndexMessages() {
    if (pendingReadIndexMessages.isEmpty()) {
      return;
    }
    if (!committedEntryInCurrentTerm()) {
      logger.errorf(
          "pending MsgReadIndex should be released only after first commit in current term");
      return;
    }
    List<Message> pending = pendingReadIndexMessages;
    pendingReadIndexMessages = new ArrayList<>();
    for (Message m : pending) {
      sendMsgReadIndexResponse(m);
    }
  }

  private void sendMsgReadIndexResponse(Message m) {
    switch (readOnly.option()) {
      case READ_ONLY_SAFE:
        // Confirm leadership with a heartbeat round before answering (thesis §6.4).
        readOnly.addRequest(raftLog.committed(), m);
        // This node acknowledges its own heartbeat.
        readOnly.recvAck(id, readOnly.heartbeatCtx());
        bcastHeartbeat();
        break;
      case READ_ONLY_LEASE_BASED:
        Message resp = responseToReadIndexReq(m, raftLog.committed());
        if (resp != null) {
          send(resp.toBuilder());
        }
        break;
      default:
        break;
    }
  }

  /**
   * The proposal message for a conf change: one entry of the right type carrying its encoding; a
   * null change proposes leaving a joint configuration (an empty ConfChangeV2 without data).
   */
  static Message confChangeToMsg(@Nullable ConfChangeI cc) {
    Entry.Builder e = Entry.newBuilder();
    if (cc == null) {
      e.setType(EntryType.EntryConfChangeV2);
    } else {
      e.setType(cc.entryType()).setData(cc.marshal());
    }
    return Message.newBuilder().setType(MessageType.MsgProp).addEntries(e).build();
  }

  // ---------------------------------------------------------------------------------------------
  // Trace events (etcd's state_trace.go).

  private void traceNodeEvent(String name) {
    if (traceLogger != null) {
      traceEvent(name, null);
    }
  }

  private void traceEvent(String name, @Nullable Message m) {
    TraceLogger t = traceLogger;
    if (t == null) {
      return;
    }
    t.traceEvent(
        new TracingEvent(
            name, id, hardState(), state, raftLog.lastIndex(), String.valueOf(trk.config()), m));
  }

  void traceReady() {
    traceNodeEvent("Ready");
  }

  private void traceChangeConf(ConfChangeI cc) {
    if (traceLogger != null && cc.asV2().getChangesCount() > 0) {
      traceEvent("ChangeConf", null);
    }
  }

  private void traceSendMessage(Message m) {
    if (traceLogger == null) {
      return;
    }
    String name = traceMessageName(m.getType(), true);
    if (name != null) {
      traceEvent(name, m);
    }
  }

  private void traceReceiveMessage(Message m) {
    if (traceLogger == null) {
      return;
    }
    String name = traceMessageName(m.getType(), false);
    if (name != null) {
      traceEvent(name, m);
    }
  }

  private static @Nullable String traceMessageName(MessageType t, boolean send) {
    switch (t) {
      case MsgApp:
        return send ? "SendAppendEntriesRequest" : "ReceiveAppendEntriesRequest";
      case MsgHeartbeat:
        return send ? "SendAppendEntriesRequest" : "ReceiveAppendEntriesRequest";
      case MsgSnap:
        return send ? "SendSnapshot" : "ReceiveSnapshot";
      case MsgAppResp:
      case MsgHeartbeatResp:
        return send ? "SendAppendEntriesResponse" : "ReceiveAppendEntriesResponse";
      case MsgVote:
        return send ? "SendRequestVoteRequest" : "ReceiveRequestVoteRequest";
      case MsgVoteResp:
        return send ? "SendRequestVoteResponse" : "ReceiveRequestVoteResponse";
      default:
        return null;
    }
  }
}
