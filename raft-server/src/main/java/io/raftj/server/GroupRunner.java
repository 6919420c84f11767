package io.raftj.server;

import io.raftj.raft.ProposalDroppedException;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.SnapshotStatus;
import io.raftj.raft.SoftState;
import io.raftj.raft.StateType;
import io.raftj.raft.StepPeerNotFoundException;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group member's loop: owns its {@link RawNode} and everything Raft-side, and runs only on its
 * {@link LoopWorker}'s thread, one turn at a time, so nothing on the Raft path takes a lock. A turn
 * drains the inbox (peer messages, proposals, reads, storage and apply completions), steps all
 * waiting proposals as one {@code MsgProp} and all waiting reads as one ReadIndex, then hands each
 * Ready's work to the outbox, the group's log and its {@link Applier}.
 *
 * <p>{@link #enqueue} is the only method other threads call.
 */
final class GroupRunner {

  private static final Logger LOG = LoggerFactory.getLogger(GroupRunner.class);

  private final RaftServer server;
  private final long groupId;
  private final long self;
  private final GroupOptions options;
  private final LoopWorker worker;
  private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final ProposalInbox proposed = new ProposalInbox();
  private final AtomicBoolean queued = new AtomicBoolean();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final RaftGroup handle;

  /* Set once by start(), then confined to the loop thread. */
  private GroupLog log;

  /**
   * The log when the group drives RawNode's synchronous Ready/advance cycle (its log is in memory
   * and it applies on its loop thread), else null for asynchronous storage writes.
   */
  private MemoryLog inlineLog;

  /**
   * With {@link #inlineLog}: the Ready handed out last, until its committed entries are applied.
   */
  private final InlineReady inlineReady = new InlineReady();

  private RawNode node;
  private Applier applier;
  private SnapshotStore store;
  private MembershipView membership;
  private GroupSnapshots snapshots;

  /* Confined to the loop thread. */
  private final ProposalBatch proposals = new ProposalBatch();
  private final PendingProposals inLog = new PendingProposals();
  private final ReadIndexReads reads = new ReadIndexReads(this::fail);
  private final List<Message> localSteps = new ArrayList<>();
  private final LeaderTransfer transfer = new LeaderTransfer(this::fail);
  private StateType role = StateType.STATE_FOLLOWER;
  private long leader;
  private long term;
  private long commit;
  private long applied;
  private boolean quiesced;
  private boolean ticked;
  private boolean inTurn;

  /** Whether this server has been in the group's configuration since the group started here. */
  private boolean member;

  private final Quiescence quiescence;
  private volatile boolean stopped;
  private volatile GroupStatus status;
  private final LogMemory.Share memoryShare;

  GroupRunner(RaftServer server, GroupOptions options, LoopWorker worker) {
    this.server = server;
    this.groupId = options.groupId();
    this.self = server.serverId();
    this.options = options;
    this.worker = worker;
    this.quiescence = new Quiescence(options.electionTicks());
    this.handle = new RaftGroup(this);
    this.memoryShare = server.logMemory().join();
  }

  /** This group's part of the server's log memory budget. */
  LogMemory.Share memoryShare() {
    return memoryShare;
  }

  /** The entries the log holds (from its first index to its last); any thread. */
  long heldEntries() {
    io.raftj.raft.MemoryStorage ms = log.memoryStorage();
    return ms.lastIndex() - ms.firstIndex() + 1;
  }

  /**
   * Opens the log, restores the state machine from the newest snapshot and creates the node. Runs
   * on the creating thread before the group receives anything.
   */
  void start(GroupLog log, SnapshotStore store, Applier.Factory applierFactory) throws IOException {
    this.log = log;
    this.store = store;
    this.inlineLog = log instanceof MemoryLog m && options.applyOnLoopThread() ? m : null;
    Snapshot snap = log.snapshotAtStart();
    long snapIndex = snap.getMetadata().getIndex();
    this.applier = applierFactory.create(this, snap);
    this.node =
        new RawNode(server.raftConfig(options, log.memoryStorage(), snapIndex, inlineLog == null));
    this.membership = new MembershipView(snap.getMetadata().getConfState(), snapIndex);
    this.member = membership.contains(self);
    if (!log.restart() && !options.join()) {
      List<io.raftj.raft.Peer> peers = new ArrayList<>();
      for (long m : options.members()) {
        peers.add(new io.raftj.raft.Peer(m, null));
      }
      node.bootstrap(peers);
    }
    this.applied = snapIndex;
    this.snapshots = new GroupSnapshots(this, log, store, membership, applier, snapIndex);
    this.commit = log.memoryStorage().initialState().hardState().getCommit();
    this.term = log.memoryStorage().initialState().hardState().getTerm();
    for (long m : membership.members()) {
      if (m != self) {
        server.liveness().track(m);
      }
    }
    publishStatus();
  }

  long groupId() {
    return groupId;
  }

  /** This member's server. */
  long serverId() {
    return self;
  }

  RaftGroup handle() {
    return handle;
  }

  GroupOptions options() {
    return options;
  }

  GroupStatus status() {
    return status;
  }

  RaftServer server() {
    return server;
  }

  SnapshotStore store() {
    return store;
  }

  /** Whether the group drives RawNode's synchronous Ready/advance cycle; fixed by start(). */
  boolean synchronousReady() {
    return inlineLog != null;
  }

  // ---------------------------------------------------------------------------------------------
  // any thread

  LoopWorker worker() {
    return worker;
  }

  /** Queues input for the loop and makes sure a turn follows. */
  void enqueue(Object event) {
    inbox.add(event);
    worker.wake(this);
  }

  /**
   * Queues a proposal for the loop and makes sure a turn follows. Proposals are taken after the
   * other input waiting when the turn starts (they were stepped after it anyway).
   */
  void propose(GroupEvent.Propose p) {
    proposed.push(p);
    worker.wake(this);
  }

  /**
   * Counts a proposal against {@link GroupOptions#maxPendingProposals()}; false if the group has
   * too many unresolved ones already.
   */
  boolean admit() {
    if (pendingCount.incrementAndGet() > options.maxPendingProposals()) {
      pendingCount.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    pendingCount.decrementAndGet();
  }

  boolean markQueued() {
    // Read first: when the group is queued already (the common case under load), no write.
    return !queued.get() && queued.compareAndSet(false, true);
  }

  void clearQueued() {
    queued.set(false);
  }

  /** Completes {@code f} with {@code ex} off the loop thread. */
  void fail(CompletableFuture<Object> f, RaftServerException ex) {
    applier.fail(f, ex);
  }

  /** Answers a {@link ReadPolicy#LOCAL} read in apply order, without the loop. */
  void localRead(Object query, CompletableFuture<Object> f) {
    applier.read(query, f, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // loop thread

  /** A tick from the worker: Raft's clock, deadlines and quiescence. */
  void tick() {
    if (stopped) {
      return;
    }
    if (quiesced) {
      if (leader != self
          && (leader == 0
              || server.liveness().silentFor(leader)
                  > server.tickNanos() * options.electionTicks())) {
        wakeUp(); // the leader's server fell silent: tick again so an election can happen
      }
      return;
    }
    node.tick();
    expireDeadlines();
    ticked = true;
    worker.wake(this);
  }

  void runTurn() {
    if (stopped) {
      failInbox();
      return;
    }
    inTurn = true;
    try {
      for (Object e; (e = inbox.poll()) != null; ) {
        handle(e);
        if (stopped) {
          failInbox();
          return;
        }
      }
      for (GroupEvent.Propose p = proposed.takeAll(); p != null; ) {
        GroupEvent.Propose next = p.next;
        p.next = null;
        handle(p);
        p = next;
      }
      if (!proposals.isEmpty() && !inlineReady.awaitingApply()) {
        stepProposals(); // else once the Ready handed out is advanced
      }
      if (reads.hasWaiting()) {
        issueReads();
      }
      processReadys();
      if (ticked) {
        // After the tick's heartbeats are queued, so a follower hears them before the notice.
        ticked = false;
        maybeQuiesce();
      }
      publishStatus();
    } catch (RuntimeException | IOException | Error e) {
      // An Error too (a stack overflow, a class missing at run time): the turn stopped half way,
      // so the group cannot go on, and stopping it fails its futures instead of leaving them
      // pending.
      failed(e);
    } finally {
      inTurn = false;
    }
  }

  /** Stops the group after its loop work threw. Loop thread. */
  void failed(Throwable e) {
    LOG.error("group {} on server {}: loop failed", hex(groupId), hex(self), e);
    stop("loop failed", e);
  }

  private void handle(Object e) throws IOException {
    if (e instanceof Message m) {
      // The answers to the heartbeats a leader sent just before it went quiet must not wake it.
      if (m.getType() != MessageType.MsgHeartbeatResp) {
        wakeUp();
      }
      step(m);
    } else if (e instanceof GroupEvent.Propose p) {
      if (p.op() != null) {
        String refusal = membership.refusal(p.op(), p.target());
        if (refusal != null) {
          resolveFailed(p.future(), new MembershipChangeException(refusal));
          return;
        }
      }
      proposals.add(p);
    } else if (e instanceof GroupEvent.Read r) {
      reads.add(r);
    } else if (e instanceof GroupEvent.Stored s) {
      if (s.snapshot() != null) {
        snapshots.fromLeader(s.snapshot(), inLog, this::resolveFailed);
      }
      route(s.responses());
    } else if (e instanceof GroupEvent.Applied a) {
      applied(a.index(), a.term(), a.changes(), a.responses());
    } else if (e instanceof GroupEvent.SnapshotWritten w) {
      snapshots.written(w.index());
    } else if (e instanceof GroupEvent.SnapshotSent s) {
      node.reportSnapshot(
          s.to(), s.delivered() ? SnapshotStatus.SNAPSHOT_FINISH : SnapshotStatus.SNAPSHOT_FAILURE);
    } else if (e instanceof GroupEvent.TransferLeader t) {
      startTransfer(t);
    } else if (e instanceof GroupEvent.Unreachable u) {
      if (role == StateType.STATE_LEADER) {
        node.reportUnreachable(u.server());
      }
    } else if (e instanceof GroupEvent.Quiesce q) {
      if (q.from() == leader
          && q.term() == term
          && q.commit() == commit
          && role == StateType.STATE_FOLLOWER) {
        quiesced = true;
      }
    } else if (e instanceof GroupEvent.Stop s) {
      stop(s.reason(), s.cause());
    } else if (e instanceof Runnable r) {
      r.run();
    } else {
      throw new IllegalStateException("unknown event " + e.getClass());
    }
  }

  private void step(Message m) {
    try {
      node.step(m);
    } catch (StepPeerNotFoundException | ProposalDroppedException e) {
      // A response from a removed member, or a forwarded proposal: nothing to do.
    } catch (IllegalArgumentException e) {
      // A malformed message from a peer (a local type, a negative term or index): drop it, as
      // a network drops garbage; it must not stop the group.
      LOG.warn(
          "group {} on server {}: dropped {} from {}: {}",
          hex(groupId),
          hex(self),
          m.getType(),
          hex(m.getFrom()),
          e.getMessage());
    }
  }

  private void route(List<Message> msgs) {
    for (int i = 0; i < msgs.size(); i++) {
      Message r = msgs.get(i);
      if (r.getTo() == self) {
        step(r);
      } else {
        worker.outbox().add(groupId, r);
      }
    }
  }

  private void wakeUp() {
    quiescence.activity();
    quiesced = false;
  }

  // ---------------------------------------------------------------------------------------------
  // proposals

  private void stepProposals() throws IOException {
    wakeUp();
    if (role != StateType.STATE_LEADER) {
      proposals.failAll(notLeader(), this::resolveFailed);
      return;
    }
    if (proposals.propose(node, leader, this::resolveFailed) > 0) {
      Ready rd = node.ready();
      proposals.appended(rd, inLog);
      handleReady(rd);
    }
  }

  private void resolveFailed(CompletableFuture<Object> f, RaftServerException ex) {
    release();
    fail(f, ex);
  }

  private NotLeaderException notLeader() {
    if (leader == 0) {
      return new NotLeaderException("no leader is known", 0);
    }
    return new NotLeaderException(
        "server "
            + Long.toUnsignedString(self)
            + " is not the leader; the leader is "
            + Long.toUnsignedString(leader),
        leader);
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  private void issueReads() {
    if (leader == 0) {
      reads.failWaiting(notLeader());
      return;
    }
    wakeUp();
    reads.issue(node, server.scheduler().nanoTime());
  }

  private void failIssuedReads(RaftServerException ex) {
    reads.failIssued(ex);
    applier.failReads(ex);
  }

  // ---------------------------------------------------------------------------------------------
  // Readys

  private void processReadys() throws IOException {
    while (!stopped && !inlineReady.awaitingApply() && node.hasReady()) {
      handleReady(node.ready());
    }
  }

  private void handleReady(Ready rd) throws IOException {
    if (!rd.hardState().equals(io.raftj.raft.raftpb.HardState.getDefaultInstance())) {
      term = rd.hardState().getTerm();
      commit = rd.hardState().getCommit();
    }
    if (rd.softState() != null) {
      softStateChanged(rd.softState()); // after the term, which listeners are told
    }
    if (!rd.readStates().isEmpty()) {
      reads.answered(rd.readStates(), applier);
    }
    if (inlineLog != null) {
      handleReadyInline(rd);
      return;
    }
    List<Message> msgs = rd.messages();
    for (int i = 0; i < msgs.size(); i++) {
      Message m = msgs.get(i);
      switch (m.getType()) {
        case MsgStorageAppend -> {
          if (log.append(m)) {
            if (m.hasSnapshot()) {
              snapshots.fromLeader(m.getSnapshot(), inLog, this::resolveFailed);
            }
            List<Message> resps = m.getResponsesList();
            for (int k = 0; k < resps.size(); k++) {
              Message r = resps.get(k);
              if (r.getTo() == self) {
                localSteps.add(r);
              } else {
                worker.outbox().add(groupId, r);
              }
            }
          }
        }
        case MsgStorageApply -> dispatchApply(m.getEntriesList(), m.getResponsesList());
        case MsgSnap -> snapshots.send(m);
        default -> worker.outbox().add(groupId, m);
      }
    }
    if (!localSteps.isEmpty()) {
      for (int i = 0; i < localSteps.size(); i++) {
        step(localSteps.get(i));
      }
      localSteps.clear();
    }
  }

  private void softStateChanged(SoftState ss) {
    boolean wasLeader = role == StateType.STATE_LEADER;
    long oldLeader = leader;
    role = ss.raftState();
    leader = ss.lead();
    if (wasLeader && role != StateType.STATE_LEADER || oldLeader != leader) {
      // ReadIndex requests in flight may never be answered now; let callers retry at once.
      if (reads.hasIssued()) {
        failIssuedReads(notLeader());
      }
    }
    if (oldLeader != leader) {
      wakeUp();
      transfer.leaderChanged(leader);
      // Published before the listeners are walked: addLeaderListener adds, then reads the status,
      // so a listener added after the walk began finds the new leader in it (it may be told
      // twice, never not at all; publishing only at the end of the turn lost it).
      publishStatus();
      server.leaderChanged(handle, leader, term);
    }
  }

  /**
   * The synchronous cycle, as a hand-written RawNode loop runs it: persist (inline, in memory),
   * send, apply, advance. The advance waits for the apply when that is deferred or queued behind
   * other work, so that Raft's applied index and configuration never run ahead of the state
   * machine's; no new Ready is taken meanwhile.
   */
  private void handleReadyInline(Ready rd) {
    Snapshot snap = Util.isEmptySnap(rd.snapshot()) ? null : rd.snapshot();
    inlineLog.save(rd.hardState(), rd.entries(), snap);
    if (snap != null) {
      snapshots.fromLeader(snap, inLog, this::resolveFailed);
    }
    List<Message> msgs = rd.messages();
    for (int i = 0; i < msgs.size(); i++) {
      Message m = msgs.get(i);
      if (m.getType() == MessageType.MsgSnap) {
        snapshots.send(m);
      } else {
        worker.outbox().add(groupId, m);
      }
    }
    List<Entry> committed = rd.committedEntries();
    if (committed.isEmpty()) {
      node.advance(rd);
      return;
    }
    inlineReady.handedOut(committed.get(committed.size() - 1).getIndex());
    dispatchApply(committed, List.of());
  }

  /**
   * The synchronous cycle's apply reached {@code index} (of {@code term}), on the loop thread:
   * during this group's turn, or after the loop run sent its messages, or as a task between runs.
   */
  void appliedInline(long index, long term, List<GroupEvent.AppliedChange> changes) {
    try {
      applied(index, term, changes, List.of());
      if (inlineReady.applied(index)) {
        node.advance(null);
        if (!inTurn) {
          publishStatus();
          if (!proposals.isEmpty() || node.hasReady()) {
            worker.wake(this);
          }
        }
      }
    } catch (RuntimeException | Error e) {
      failed(e);
    }
  }

  private void dispatchApply(List<Entry> ents, List<Message> responses) {
    long last = ents.get(ents.size() - 1).getIndex();
    List<GroupEvent.Propose> resolved = inLog.takeUpTo(last);
    if (!resolved.isEmpty()) {
      pendingCount.addAndGet(-resolved.size());
    }
    // A follower acknowledges the entries of this turn before it applies (the leader's commit
    // waits for the ack, not for the apply); the leader applies at once, completing its
    // proposals before the followers are woken by the new commit index.
    applier.apply(ents, responses, resolved, role != StateType.STATE_LEADER);
  }

  private void applied(
      long index, long term, List<GroupEvent.AppliedChange> changes, List<Message> responses) {
    applied = index;
    failOlderProposals(term);
    List<CompletableFuture<Object>> callers = List.of();
    List<Membership> results = List.of();
    for (GroupEvent.AppliedChange c : changes) {
      ConfState cs = node.applyConfChange(MembershipView.decode(c.entry()));
      membership.changed(cs, c.entry().getIndex());
      for (long m : membership.members()) {
        if (m != self) {
          server.liveness().track(m);
        }
      }
      if (c.future() != null) {
        if (callers.isEmpty()) {
          callers = new ArrayList<>();
          results = new ArrayList<>();
        }
        callers.add(c.future());
        results.add(membership.current(c.entry().getIndex()));
      }
    }
    if (!callers.isEmpty()) {
      // Published first, so a caller who looks at status() once told finds its change there.
      publishStatus();
      for (int i = 0; i < callers.size(); i++) {
        applier.completeLater(callers.get(i), results.get(i));
      }
    }
    route(responses);
    if (!changes.isEmpty()) {
      if (membership.contains(self)) {
        member = true;
      } else if (member) {
        // Only a member can be removed: a joining server replays changes from before it joined.
        stop("removed from the group", null);
      }
    }
  }

  /**
   * An entry of term {@code committedTerm} is committed: a log holds terms in ascending order, so
   * no later index can hold a proposal of an older term. Those still waiting are lost now, not at
   * their deadline.
   */
  private void failOlderProposals(long committedTerm) {
    for (GroupEvent.Propose p : inLog.takeOlderThan(committedTerm)) {
      release();
      fail(p.future(), new ProposalLostException(p.index(), p.term(), committedTerm));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // leadership transfer, deadlines, quiescence

  private void startTransfer(GroupEvent.TransferLeader t) {
    wakeUp();
    if (role != StateType.STATE_LEADER) {
      fail(t.future(), notLeader());
      return;
    }
    if (!membership.isVoter(t.target())) {
      fail(
          t.future(),
          new MembershipChangeException(
              "server " + Long.toUnsignedString(t.target()) + " is not a voter of the group"));
      return;
    }
    if (t.target() == self) {
      applier.completeLater(t.future(), null);
      return;
    }
    transfer.start(t, leader);
    node.transferLeader(t.target());
  }

  private void expireDeadlines() {
    long now = server.scheduler().nanoTime();
    for (GroupEvent.Propose p : inLog.takeExpired(now)) {
      release();
      fail(
          p.future(),
          new DeadlineExceededException(
              "no outcome for the proposal at index " + p.index() + " before its deadline"));
    }
    reads.expire(now);
    if (leader != 0 && reads.resend(node, now) > 0) {
      wakeUp();
    }
    transfer.expire(now);
  }

  /** An idle leader whose followers all match its log tells them to stop ticking, and stops. */
  private void maybeQuiesce() {
    if (role != StateType.STATE_LEADER || options.leaseReads() || !server.quiesce()) {
      return;
    }
    boolean busy =
        !inLog.isEmpty() || reads.hasIssued() || transfer.inProgress() || applied != commit;
    if (!quiescence.idleTick(node, self, commit, busy)) {
      return;
    }
    quiesced = true;
    for (long m : membership.members()) {
      if (m != self) {
        worker.outbox().addQuiesce(m, groupId, term, commit);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // status and stop

  private void publishStatus() {
    GroupStatus s = status;
    if (s != null
        && s.role() == role
        && s.leader() == leader
        && s.term() == term
        && s.commit() == commit
        && s.applied() == applied
        && s.quiesced() == quiesced
        && s.voters() == membership.voters()
        && s.learners() == membership.learners()) {
      return;
    }
    status =
        new GroupStatus(
            groupId,
            self,
            role,
            leader,
            term,
            commit,
            applied,
            membership.voters(),
            membership.learners(),
            quiesced);
  }

  void stop(String reason, Throwable cause) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (cause != null) {
      LOG.error("group {} on server {} stopped: {}", hex(groupId), hex(self), reason, cause);
    } else {
      LOG.info("group {} on server {} stopped: {}", hex(groupId), hex(self), reason);
    }
    GroupStoppedException ex =
        new GroupStoppedException("group " + hex(groupId) + " stopped: " + reason, cause);
    proposals.failAll(ex, this::resolveFailed);
    inLog.drain(
        p -> {
          release();
          fail(p.future(), ex);
        });
    reads.failWaiting(ex);
    failIssuedReads(ex);
    transfer.fail(ex);
    applier.stop(reason, cause);
    failInbox();
    memoryShare.release();
    server.groupStopped(this, log);
    role = StateType.STATE_FOLLOWER;
    leader = 0;
    quiesced = false;
    publishStatus();
  }

  boolean isStopped() {
    return stopped;
  }

  private void failInbox() {
    GroupStoppedException ex = null;
    for (GroupEvent.Propose p = proposed.takeAll(); p != null; p = p.next) {
      if (ex == null) {
        ex = new GroupStoppedException("group " + hex(groupId) + " is stopped", null);
      }
      resolveFailed(p.future(), ex);
    }
    for (Object e; (e = inbox.poll()) != null; ) {
      if (ex == null) {
        ex = new GroupStoppedException("group " + hex(groupId) + " is stopped", null);
      }
      if (e instanceof GroupEvent.Propose p) {
        resolveFailed(p.future(), ex);
      } else if (e instanceof GroupEvent.Read r) {
        fail(r.future(), ex);
      } else if (e instanceof GroupEvent.TransferLeader t) {
        fail(t.future(), ex);
      }
    }
  }

  static String hex(long id) {
    return Long.toHexString(id);
  }
}
