package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe Raft node: a {@link RawNode} driven by a loop that takes events from a bounded
 * inbox. Mirrors {@code Node} in etcd's {@code node.go}.
 *
 * <p>Every method may be called from any thread. The host loop is: take a {@link Ready} with {@link
 * #ready()}, persist its entries and hard state, send its messages, apply its committed entries,
 * then call {@link #advance()}; the next Ready is handed out only after that (unless asynchronous
 * storage writes are on, where no advance is expected).
 *
 * <p>Proposals wait while there is no leader (as etcd's do). Those made with {@link #propose}
 * return a future that completes once they are stepped: normally, or with {@link
 * ProposalDroppedException}; bound the wait with {@link CompletableFuture#orTimeout}. Those made
 * with {@link #proposeAndForget} cost no future: a drop is counted in {@link #droppedProposals()}
 * and reported to the {@link ProposalDropListener}, if one is set. After {@link #stop()}, futures
 * complete with {@link StoppedException}.
 *
 * <p>The loop is not a thread of its own but a task that the executor runs whenever events arrive
 * and that drains the inbox in batches: producers add to a lock-free queue, and only the first
 * event after the loop went idle hands a task to the executor. Events are handled one at a time, in
 * order, exactly as etcd's loop handles its channels.
 */
public final class Node {

  /* The inputs of the loop, handled in order. Besides these records the inbox carries TICK,
   * ADVANCE and STOP, the proposals of NodeProposals, and Messages (stepAndForget). */

  /** A message to step; proposals wait for a leader. */
  record StepEvent(Message m, CompletableFuture<Void> result) {}

  private record ConfChangeEvent(ConfChangeV2 cc, CompletableFuture<ConfState> result) {}

  private record StatusEvent(CompletableFuture<Status> result) {}

  /** The host asks for the next Ready. */
  private record ReadyEvent(CompletableFuture<Ready> result) {}

  /** Messages handed over together ({@link #stepAndForget(List)}): one inbox slot. */
  private record StepBatch(List<Message> msgs) {}

  private static final Object TICK = new Object();
  private static final Object ADVANCE = new Object();
  private static final Object STOP = new Object();

  /** Default capacity of the inbox (and of the proposals waiting for a leader). */
  public static final int DEFAULT_INBOX_CAPACITY = 1024;

  /** Events handled between two releases of inbox room. */
  private static final int RELEASE_EVERY = 64;

  /**
   * Receives the proposals made with {@link #proposeAndForget} (or stepped with {@link
   * #stepAndForget}) that were dropped. Called on the loop, or, for proposals that find the node
   * stopped, on the thread that made them; it must not block.
   */
  @FunctionalInterface
  public interface ProposalDropListener {
    /**
     * Called once per dropped proposal (a batch once).
     *
     * @param payloads the payloads of the dropped proposal, in order
     * @param cause {@link ProposalDroppedException} or {@link StoppedException}
     */
    void dropped(List<ByteString> payloads, RuntimeException cause);
  }

  private final RawNode rn;
  private final Raft r;
  private final NodeInbox inbox;
  private final Executor executor;
  private final @Nullable LoopThread ownThread;
  private final Runnable drainTask = this::drain;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final NodeProposals proposals;

  /* Loop state. */
  private final ArrayDeque<CompletableFuture<Ready>> readyWaiters = new ArrayDeque<>();
  private boolean awaitingAdvance;
  private boolean finished;
  private long lead = RaftConstants.NONE;

  private Node(RawNode rn, @Nullable Executor executor, int capacity) {
    this.rn = rn;
    this.r = rn.raft();
    this.inbox = new NodeInbox(capacity);
    this.proposals = new NodeProposals(rn, capacity);
    LoopThread own = executor == null ? new LoopThread("raft-node") : null;
    this.ownThread = own;
    this.executor = own != null ? own : Objects.requireNonNull(executor);
  }

  /**
   * Starts a node for a new cluster of {@code peers} on an empty storage, on a thread of its own.
   *
   * @throws IllegalArgumentException if {@code peers} is empty, the storage is not empty, or the
   *     config is invalid
   */
  public static Node start(Config c, List<Peer> peers) {
    return start(c, peers, null, DEFAULT_INBOX_CAPACITY);
  }

  /**
   * Starts a node for a new cluster, running its loop on {@code executor} (a thread of its own if
   * null). The executor runs one short task each time events arrive after the loop went idle; the
   * node never has two of them outstanding. A direct executor ({@code Runnable::run}) runs the loop
   * in the calling thread, which makes a node deterministic in tests.
   */
  public static Node start(
      Config c, List<Peer> peers, @Nullable Executor executor, int inboxCapacity) {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peers given; use RestartNode instead");
    }
    RawNode rn = new RawNode(c);
    rn.bootstrap(peers);
    return new Node(rn, executor, inboxCapacity);
  }

  /** Restarts a node from the state in its storage, on a thread of its own. */
  public static Node restart(Config c) {
    return restart(c, null, DEFAULT_INBOX_CAPACITY);
  }

  /** Restarts a node from the state in its storage, running its loop on {@code executor}. */
  public static Node restart(Config c, @Nullable Executor executor, int inboxCapacity) {
    return new Node(new RawNode(c), executor, inboxCapacity);
  }

  // ---------------------------------------------------------------------------------------------
  // The API.

  /**
   * Advances the logical clock by one tick. Never blocks: when the inbox is full the tick is
   * dropped with a warning, as etcd does.
   */
  public void tick() {
    if (stopped.get()) {
      return;
    }
    if (!inbox.offer(TICK)) {
      r.logger.warningf("%x A tick missed to fire. Node blocks too long!", r.id);
      return;
    }
    signal();
  }

  /** Makes the node campaign (MsgHup). */
  public CompletableFuture<Void> campaign() {
    return submitStep(ApiMessages.campaign());
  }

  /**
   * Proposes {@code data} be appended to the log. The future completes when the proposal was
   * stepped (it is then in the leader's log or forwarded to it), or with {@link
   * ProposalDroppedException}.
   */
  public CompletableFuture<Void> propose(ByteString data) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!enqueue(new NodeProposals.WithResult(data, null, f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /**
   * Proposes {@code batch} as consecutive entries in one MsgProp, accepted or dropped as a whole
   * (see {@link RawNode#propose(List)}); otherwise like {@link #propose(ByteString)}. The list must
   * not change afterwards.
   */
  public CompletableFuture<Void> propose(List<ByteString> batch) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!enqueue(new NodeProposals.WithResult(null, batch, f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /**
   * Proposes {@code data} like {@link #propose(ByteString)}, without a future: a drop is counted in
   * {@link #droppedProposals()} and reported to the {@link ProposalDropListener}. Waits only while
   * the inbox is full.
   */
  public void proposeAndForget(ByteString data) {
    // A null payload cannot travel bare through the inbox; it proposes an entry without data.
    forget(data != null ? data : new NodeProposals.Batch(Collections.singletonList(null)));
  }

  /**
   * Proposes {@code batch} like {@link #propose(List)}, without a future (see {@link
   * #proposeAndForget(ByteString)}).
   */
  public void proposeAndForget(List<ByteString> batch) {
    forget(new NodeProposals.Batch(batch));
  }

  /** Proposes a configuration change; like {@link #propose(ByteString)}. */
  public CompletableFuture<Void> proposeConfChange(ConfChangeI cc) {
    return submitStep(Raft.confChangeToMsg(cc));
  }

  /**
   * Steps a message received from a peer. Local messages from outside, and responses from peers not
   * in the configuration, are dropped. A message carrying a term or index above 2^63-1 is refused
   * here, on the caller's thread, so that it never reaches the node's loop: the returned future
   * fails with {@link IllegalArgumentException}.
   */
  public CompletableFuture<Void> step(Message m) {
    if (Messages.isLocalMsg(m.getType()) && !Messages.isLocalMsgTarget(m.getFrom())) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      TermsAndIndexes.check(m);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return submitStep(m);
  }

  /**
   * Steps a message received from a peer like {@link #step}, without a future: the path for a
   * transport that hands over every message. A MsgProp among them that is dropped is reported as
   * {@link #proposeAndForget} reports drops.
   */
  public void stepAndForget(Message m) {
    if (Messages.isLocalMsg(m.getType()) && !Messages.isLocalMsgTarget(m.getFrom())) {
      return;
    }
    forget(m);
  }

  /**
   * Steps messages received from peers like {@link #stepAndForget(Message)} each, in order, as one
   * event: the loop steps them all before it hands out the next Ready. A transport that receives
   * several messages for this node at once (one read, one batch frame) thus costs one Ready cycle
   * instead of one per message: a follower handed 64 appends one by one may cut a Ready after the
   * first, and another for the rest.
   */
  public void stepAndForget(List<Message> msgs) {
    List<Message> accepted = new ArrayList<>(msgs.size());
    for (int i = 0; i < msgs.size(); i++) {
      Message m = msgs.get(i);
      if (!Messages.isLocalMsg(m.getType()) || Messages.isLocalMsgTarget(m.getFrom())) {
        accepted.add(m);
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    StepBatch b = new StepBatch(accepted);
    if (!enqueue(b)) {
      failOne(b);
    }
  }

  /** The number of proposals made without a future that were dropped (batches count once). */
  public long droppedProposals() {
    return proposals.dropped();
  }

  /** Sets (or, with null, removes) the listener for dropped proposals made without a future. */
  public void setProposalDropListener(@Nullable ProposalDropListener listener) {
    proposals.setListener(listener);
  }

  /**
   * The next Ready, once there is one. As with etcd's Ready channel, the Ready is cut when it is
   * handed over, so it reflects every call made before this one. Cancelling the future gives the
   * Ready up before it is taken.
   */
  public CompletableFuture<Ready> readyAsync() {
    CompletableFuture<Ready> f = new CompletableFuture<>();
    if (!enqueue(new ReadyEvent(f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /**
   * Takes the next Ready, waiting until there is one.
   *
   * @throws StoppedException if the node is stopped
   * @throws InterruptedException if interrupted while waiting
   */
  public Ready ready() throws InterruptedException {
    CompletableFuture<Ready> f = readyAsync();
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      throw rethrow(e);
    }
  }

  /**
   * Takes the next Ready, waiting up to {@code timeout}.
   *
   * @return the Ready, or null if none came in time
   * @throws StoppedException if the node is stopped
   */
  public @Nullable Ready pollReady(long timeout, TimeUnit unit) throws InterruptedException {
    CompletableFuture<Ready> f = readyAsync();
    try {
      return f.get(timeout, unit);
    } catch (TimeoutException | InterruptedException e) {
      if (f.cancel(false)) {
        if (e instanceof InterruptedException) {
          throw (InterruptedException) e;
        }
        return null;
      }
      return f.join(); // handed over just now
    } catch (ExecutionException e) {
      throw rethrow(e);
    }
  }

  private static RuntimeException rethrow(ExecutionException e) {
    Throwable c = e.getCause();
    return c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
  }

  /** Acknowledges the last Ready as persisted and applied; the next may be handed out. */
  public void advance() {
    enqueue(ADVANCE);
  }

  /** Applies a committed configuration change; the future holds the new ConfState. */
  public CompletableFuture<ConfState> applyConfChange(ConfChangeI cc) {
    CompletableFuture<ConfState> f = new CompletableFuture<>();
    if (!enqueue(new ConfChangeEvent(cc.asV2(), f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /** Asks {@code lead} to transfer leadership to {@code transferee}. */
  public void transferLeadership(long lead, long transferee) {
    submitStep(
        Message.newBuilder()
            .setType(MessageType.MsgTransferLeader)
            .setFrom(transferee)
            .setTo(lead)
            .build());
  }

  /** Makes a follower forget its leader (see {@link RawNode#forgetLeader()}). */
  public CompletableFuture<Void> forgetLeader() {
    return submitStep(ApiMessages.forgetLeader());
  }

  /** Requests a read index; the answer arrives as a ReadState in a later Ready. */
  public CompletableFuture<Void> readIndex(ByteString rctx) {
    return submitStep(ApiMessages.readIndex(rctx));
  }

  /** The node's status, taken on the loop. */
  public CompletableFuture<Status> status() {
    CompletableFuture<Status> f = new CompletableFuture<>();
    if (!enqueue(new StatusEvent(f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /** Reports that the last message to {@code id} could not be delivered. */
  public void reportUnreachable(long id) {
    submitStep(Message.newBuilder().setType(MessageType.MsgUnreachable).setFrom(id).build());
  }

  /** Reports the outcome of sending a snapshot to {@code id}. */
  public void reportSnapshot(long id, SnapshotStatus status) {
    boolean rej = status == SnapshotStatus.SNAPSHOT_FAILURE;
    submitStep(
        Message.newBuilder().setType(MessageType.MsgSnapStatus).setFrom(id).setReject(rej).build());
  }

  /**
   * Stops the node and waits for its loop to end; pending and later calls fail with {@link
   * StoppedException}. Idempotent. With a direct executor, the loop ends in this call; with an
   * executor that runs tasks later, this waits until it has run the last one.
   */
  public void stop() {
    requestStop();
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The first half of {@link #stop()}: marks the node stopped and wakes the loop, without waiting.
   */
  void requestStop() {
    if (stopped.compareAndSet(false, true)) {
      inbox.addWithoutRoom(STOP);
      signal();
    }
  }

  /**
   * Test seam: runs {@code hook} on the loop after it takes each event (see {@link
   * NodeInbox#afterTake}).
   */
  void afterTake(@Nullable Runnable hook) {
    inbox.afterTake(hook);
  }

  private CompletableFuture<Void> submitStep(Message m) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!enqueue(new StepEvent(m, f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /**
   * Enqueues a proposal or step without a future; on a stopped node a proposal is reported dropped.
   */
  private void forget(Object e) {
    if (!enqueue(e) && NodeProposals.isProposal(e)) {
      proposals.reportDropped(e, StoppedException.INSTANCE);
    }
  }

  /**
   * Puts {@code e} in the inbox, waiting for room, and wakes the loop; false if the node is stopped
   * (or the wait was interrupted) and {@code e} is not in the inbox.
   */
  private boolean enqueue(Object e) {
    if (stopped.get()) {
      return false;
    }
    try {
      inbox.put(e);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (stopped.get()) {
      // The loop may have drained the inbox already: fail what is left, ours included.
      failPending();
      return true;
    }
    signal();
    return true;
  }

  /** Hands the drain task to the executor unless it is scheduled or running already. */
  private void signal() {
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      executor.execute(drainTask);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The loop.

  /**
   * Handles every event in the inbox, then goes idle; rechecks the inbox after going idle, so an
   * event added meanwhile is never left without a drain to handle it.
   *
   * <p>A waiting host gets its Ready once the events that were queued are handled (or every {@value
   * #RELEASE_EVERY} events, or before an event whose future completes), not after each one:
   * proposals that arrive together without futures leave in one Ready, and so in one append and one
   * message per follower, instead of a Ready cycle each. Any such order of handling events and
   * handing out Readys is one etcd's loop may choose.
   */
  private void drain() {
    try {
      do {
        int taken = 0;
        Object e;
        while (!finished && (e = inbox.poll()) != null) {
          if (e == STOP || stopped.get()) {
            if (e != STOP) {
              failOne(e); // taken from the inbox already: finish() would not see it
            }
            finish();
            break;
          }
          taken++;
          if (completesFuture(e)) {
            // Whoever sees this event's future complete also sees the Ready that was due.
            handOutReady();
          }
          handle(e);
          noteLeader();
          if (taken == RELEASE_EVERY) {
            handOutReady();
            inbox.release(taken);
            taken = 0;
          }
        }
        if (!finished) {
          handOutReady();
        }
        inbox.release(taken);
        if (!finished && stopped.get()) {
          // stop() was called, and a producer that found the node stopped took its signal.
          finish();
        }
        if (finished) {
          return;
        }
        scheduled.set(false);
      } while (!inbox.isEmpty() && scheduled.compareAndSet(false, true));
    } catch (RuntimeException | Error ex) {
      finish();
      throw ex;
    }
  }

  /**
   * Whether handling {@code e} completes a caller's future (the events made without one do not).
   */
  private static boolean completesFuture(Object e) {
    return e instanceof StepEvent
        || e instanceof StatusEvent
        || e instanceof ConfChangeEvent
        || e instanceof NodeProposals.WithResult;
  }

  /** Ends the loop: fails what waits and what is left in the inbox, and releases stop(). */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    stopped.set(true);
    proposals.dropWaiting(StoppedException.INSTANCE);
    for (CompletableFuture<Ready> f : readyWaiters) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    readyWaiters.clear();
    failPending();
    inbox.open();
    if (ownThread != null) {
      ownThread.close();
    }
    done.countDown();
  }

  /** Hands the next Ready to the first waiting host call, if there is one to give. */
  private void handOutReady() {
    while (!awaitingAdvance && !readyWaiters.isEmpty() && rn.hasReady()) {
      CompletableFuture<Ready> f = readyWaiters.poll();
      Ready rd = rn.readyWithoutAccept();
      // Accept only what the host really received: it may have given up waiting.
      if (f.complete(rd)) {
        rn.acceptReady(rd);
        // With asynchronous storage writes, the storage threads' responses drive progress.
        awaitingAdvance = !rn.asyncStorageWrites();
      }
    }
  }

  /** Logs leader changes, and lets proposals through only while there is a leader. */
  private void noteLeader() {
    if (lead != r.lead) {
      if (r.hasLeader()) {
        if (lead == RaftConstants.NONE) {
          r.logger.infof("raft.node: %x elected leader %x at term %d", r.id, r.lead, r.term);
        } else {
          r.logger.infof(
              "raft.node: %x changed leader from %x to %x at term %d", r.id, lead, r.lead, r.term);
        }
        proposals.setAllowed(true);
      } else {
        r.logger.infof("raft.node: %x lost leader %x at term %d", r.id, lead, r.term);
        proposals.setAllowed(false);
      }
      lead = r.lead;
    }
    proposals.stepWaiting();
  }

  private void handle(Object e) {
    if (NodeProposals.isProposal(e)) {
      proposals.offer(e);
    } else if (e instanceof Message m) {
      stepReceived(m);
    } else if (e instanceof StepEvent s) {
      stepReceived(s.m());
      s.result().complete(null);
    } else if (e == TICK) {
      rn.tick();
    } else if (e == ADVANCE) {
      if (awaitingAdvance) {
        awaitingAdvance = false;
        rn.advance(null);
      }
    } else if (e instanceof ConfChangeEvent c) {
      applyConfChange(c);
    } else if (e instanceof StepBatch b) {
      for (int i = 0; i < b.msgs().size(); i++) {
        handle(b.msgs().get(i));
        noteLeader();
      }
    } else if (e instanceof StatusEvent st) {
      st.result().complete(rn.status());
    } else if (e instanceof ReadyEvent rd) {
      if (!rd.result().isDone()) {
        readyWaiters.add(rd.result());
      }
    }
  }

  /**
   * Steps a message that is not a proposal; a response from a peer outside the configuration is
   * dropped.
   */
  private void stepReceived(Message m) {
    if (Messages.isResponseMsg(m.getType())
        && !Messages.isLocalMsgTarget(m.getFrom())
        && r.trk.progress().get(m.getFrom()) == null) {
      return;
    }
    try {
      r.step(m);
    } catch (ProposalDroppedException ex) {
      // Only proposals report drops.
    }
  }

  private void applyConfChange(ConfChangeEvent c) {
    boolean before = r.trk.progress().get(r.id) != null;
    ConfState cs;
    try {
      cs = r.applyConfChange(c.cc());
    } catch (RuntimeException ex) {
      c.result().completeExceptionally(ex);
      throw ex;
    }
    if (before
        && r.trk.progress().get(r.id) == null
        && !contains(cs.getVotersList(), r.id)
        && !contains(cs.getVotersOutgoingList(), r.id)) {
      // Removed from the group: block proposals.
      proposals.setAllowed(false);
    }
    c.result().complete(cs);
  }

  private static boolean contains(List<Long> ids, long id) {
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == id) {
        return true;
      }
    }
    return false;
  }

  /** Fails what waits in the inbox; the loop also fails the waiting proposals. */
  private void failPending() {
    Object e;
    while ((e = inbox.poll()) != null) {
      failOne(e);
    }
  }

  /** Completes the future of an event that will not be handled, or reports its proposal dropped. */
  private void failOne(Object e) {
    if (e instanceof ConfChangeEvent c) {
      c.result().completeExceptionally(StoppedException.INSTANCE);
    } else if (e instanceof StatusEvent st) {
      st.result().completeExceptionally(StoppedException.INSTANCE);
    } else if (e instanceof ReadyEvent rd) {
      rd.result().completeExceptionally(StoppedException.INSTANCE);
    } else if (NodeProposals.isProposal(e)) {
      proposals.reportDropped(e, StoppedException.INSTANCE);
    } else if (e instanceof StepEvent s) {
      s.result().completeExceptionally(StoppedException.INSTANCE);
    } else if (e instanceof StepBatch b) {
      for (int i = 0; i < b.msgs().size(); i++) {
        failOne(b.msgs().get(i)); // the proposals among them are reported dropped
      }
    }
  }
}
