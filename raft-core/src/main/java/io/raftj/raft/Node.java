package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe Raft node: a {@link RawNode} owned by one loop thread that takes events from a
 * bounded inbox. Mirrors {@code Node} in etcd's {@code node.go}.
 *
 * <p>Every method may be called from any thread. The host loop is: take a {@link Ready} with
 * {@link #ready()}, persist its entries and hard state, send its messages, apply its committed
 * entries, then call {@link #advance()}; the next Ready is handed out only after that (unless
 * asynchronous storage writes are on, where no advance is expected).
 *
 * <p>Proposals wait while there is no leader (as etcd's do) and their futures complete once they
 * are stepped: normally, or with {@link ProposalDroppedException}. Bound the wait with
 * {@link CompletableFuture#orTimeout}. After {@link #stop()}, futures complete with
 * {@link StoppedException}.
 */
public final class Node {

  /* The inputs of the loop thread, dispatched in order. */
  private sealed interface Event
      permits TickEvent, StepEvent, ConfChangeEvent, AdvanceEvent, StatusEvent, ReadyEvent, StopEvent {}

  private record TickEvent() implements Event {}

  /** A message to step; proposals wait for a leader. */
  private record StepEvent(Message m, CompletableFuture<Void> result) implements Event {}

  private record ConfChangeEvent(ConfChangeV2 cc, CompletableFuture<ConfState> result) implements Event {}

  private record AdvanceEvent() implements Event {}

  private record StatusEvent(CompletableFuture<Status> result) implements Event {}

  /** The host asks for the next Ready. */
  private record ReadyEvent(CompletableFuture<Ready> result) implements Event {}

  private record StopEvent() implements Event {}

  private static final TickEvent TICK = new TickEvent();
  private static final AdvanceEvent ADVANCE = new AdvanceEvent();
  private static final StopEvent STOP = new StopEvent();

  /** Default capacity of the inbox (and of the proposals waiting for a leader). */
  public static final int DEFAULT_INBOX_CAPACITY = 1024;

  private final RawNode rn;
  private final Raft r;
  private final BlockingQueue<Event> inbox;
  private final int capacity;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  /* Loop-thread state. */
  private final ArrayDeque<StepEvent> waitingProposals = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<Ready>> readyWaiters = new ArrayDeque<>();
  private boolean proposalsAllowed;
  private boolean awaitingAdvance;
  private long lead = Raft.NONE;

  private Node(RawNode rn, int capacity) {
    this.rn = rn;
    this.r = rn.raft();
    this.capacity = capacity;
    this.inbox = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Starts a node for a new cluster of {@code peers} on an empty storage, on a thread of its own.
   *
   * @throws IllegalArgumentException if {@code peers} is empty, the storage is not empty, or the
   *     config is invalid
   */
  public static Node start(Config c, List<Peer> peers) {
    return start(c, peers, Node::newThread, DEFAULT_INBOX_CAPACITY);
  }

  /**
   * Starts a node for a new cluster, running its loop on {@code executor} (which must give it a
   * thread of its own for the node's lifetime).
   */
  public static Node start(Config c, List<Peer> peers, Executor executor, int inboxCapacity) {
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("no peers given; use RestartNode instead");
    }
    RawNode rn = new RawNode(c);
    rn.bootstrap(peers);
    return run(rn, executor, inboxCapacity);
  }

  /** Restarts a node from the state in its storage, on a thread of its own. */
  public static Node restart(Config c) {
    return restart(c, Node::newThread, DEFAULT_INBOX_CAPACITY);
  }

  /** Restarts a node from the state in its storage, running its loop on {@code executor}. */
  public static Node restart(Config c, Executor executor, int inboxCapacity) {
    return run(new RawNode(c), executor, inboxCapacity);
  }

  private static Node run(RawNode rn, Executor executor, int inboxCapacity) {
    Node n = new Node(rn, inboxCapacity);
    executor.execute(n::loop);
    return n;
  }

  private static void newThread(Runnable loop) {
    Thread t = new Thread(loop, "raft-node");
    t.setDaemon(true);
    t.start();
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
    }
  }

  /** Makes the node campaign (MsgHup). */
  public CompletableFuture<Void> campaign() {
    return submitStep(Message.newBuilder().setType(MessageType.MsgHup).build());
  }

  /**
   * Proposes {@code data} be appended to the log. The future completes when the proposal was
   * stepped (it is then in the leader's log or forwarded to it), or with
   * {@link ProposalDroppedException}.
   */
  public CompletableFuture<Void> propose(ByteString data) {
    Entry.Builder e = Entry.newBuilder();
    if (data != null) {
      e.setData(data);
    }
    return submitStep(Message.newBuilder().setType(MessageType.MsgProp).addEntries(e).build());
  }

  /** Proposes a configuration change; like {@link #propose}. */
  public CompletableFuture<Void> proposeConfChange(ConfChangeI cc) {
    return submitStep(Raft.confChangeToMsg(cc));
  }

  /**
   * Steps a message received from a peer. Local messages from outside, and responses from peers
   * not in the configuration, are dropped. A message carrying a term or index above 2^63-1 is
   * refused here, on the caller's thread, so that it never reaches the node's loop: the returned
   * future fails with {@link IllegalArgumentException}.
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
    submitStep(Message.newBuilder().setType(MessageType.MsgTransferLeader).setFrom(transferee).setTo(lead).build());
  }

  /** Makes a follower forget its leader (see {@link RawNode#forgetLeader()}). */
  public CompletableFuture<Void> forgetLeader() {
    return submitStep(Message.newBuilder().setType(MessageType.MsgForgetLeader).build());
  }

  /** Requests a read index; the answer arrives as a ReadState in a later Ready. */
  public CompletableFuture<Void> readIndex(ByteString rctx) {
    Entry.Builder e = Entry.newBuilder();
    if (rctx != null) {
      e.setData(rctx);
    }
    return submitStep(Message.newBuilder().setType(MessageType.MsgReadIndex).addEntries(e).build());
  }

  /** The node's status, taken on the loop thread. */
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
    submitStep(Message.newBuilder().setType(MessageType.MsgSnapStatus).setFrom(id).setReject(rej).build());
  }

  /**
   * Stops the node and waits for its loop to end; pending and later calls fail with
   * {@link StoppedException}. Idempotent.
   */
  public void stop() {
    if (stopped.compareAndSet(false, true)) {
      inbox.offer(STOP); // if full, the loop sees the flag after its next event
    }
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

  private CompletableFuture<Void> submitStep(Message m) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    if (!enqueue(new StepEvent(m, f))) {
      f.completeExceptionally(StoppedException.INSTANCE);
    }
    return f;
  }

  /** Puts {@code e} in the inbox, waiting for room; false if the node is stopped. */
  private boolean enqueue(Event e) {
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
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // The loop thread.

  private void loop() {
    try {
      while (!stopped.get()) {
        noteLeader();
        handOutReady();
        Event e;
        try {
          e = inbox.take();
        } catch (InterruptedException ie) {
          break;
        }
        handle(e);
      }
    } finally {
      stopped.set(true);
      for (StepEvent s : waitingProposals) {
        s.result().completeExceptionally(StoppedException.INSTANCE);
      }
      waitingProposals.clear();
      for (CompletableFuture<Ready> f : readyWaiters) {
        f.completeExceptionally(StoppedException.INSTANCE);
      }
      readyWaiters.clear();
      failPending();
      done.countDown();
    }
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
        if (lead == Raft.NONE) {
          r.logger.infof("raft.node: %x elected leader %x at term %d", r.id, r.lead, r.term);
        } else {
          r.logger.infof("raft.node: %x changed leader from %x to %x at term %d", r.id, lead, r.lead, r.term);
        }
        proposalsAllowed = true;
      } else {
        r.logger.infof("raft.node: %x lost leader %x at term %d", r.id, lead, r.term);
        proposalsAllowed = false;
      }
      lead = r.lead;
    }
    while (proposalsAllowed && !waitingProposals.isEmpty()) {
      stepProposal(waitingProposals.poll());
    }
  }

  private void handle(Event e) {
    if (e instanceof StepEvent s) {
      if (s.m().getType() == MessageType.MsgProp) {
        if (proposalsAllowed && waitingProposals.isEmpty()) {
          stepProposal(s);
        } else if (waitingProposals.size() < capacity) {
          waitingProposals.add(s);
        } else {
          s.result().completeExceptionally(ProposalDroppedException.INSTANCE);
        }
        return;
      }
      Message m = s.m();
      // A response from a peer outside the configuration is dropped.
      if (!(Messages.isResponseMsg(m.getType())
          && !Messages.isLocalMsgTarget(m.getFrom())
          && r.trk.progress().get(m.getFrom()) == null)) {
        try {
          r.step(m);
        } catch (ProposalDroppedException ex) {
          // Only proposals report drops.
        }
      }
      s.result().complete(null);
    } else if (e instanceof TickEvent) {
      rn.tick();
    } else if (e instanceof AdvanceEvent) {
      if (awaitingAdvance) {
        awaitingAdvance = false;
        rn.advance(null);
      }
    } else if (e instanceof ConfChangeEvent c) {
      boolean before = r.trk.progress().get(r.id) != null;
      ConfState cs;
      try {
        cs = rn.raft().applyConfChange(c.cc());
      } catch (RuntimeException ex) {
        c.result().completeExceptionally(ex);
        throw ex;
      }
      if (before && r.trk.progress().get(r.id) == null && !contains(cs.getVotersList(), r.id)
          && !contains(cs.getVotersOutgoingList(), r.id)) {
        // Removed from the group: block proposals.
        proposalsAllowed = false;
      }
      c.result().complete(cs);
    } else if (e instanceof StatusEvent st) {
      st.result().complete(rn.status());
    } else if (e instanceof ReadyEvent rd) {
      if (!rd.result().isDone()) {
        readyWaiters.add(rd.result());
      }
    }
    // StopEvent only wakes the loop.
  }

  private void stepProposal(StepEvent s) {
    if (s.result().isDone()) {
      return; // the caller gave up waiting
    }
    try {
      r.step(s.m().toBuilder().setFrom(r.id).build());
      s.result().complete(null);
    } catch (ProposalDroppedException ex) {
      s.result().completeExceptionally(ex);
    }
  }

  private static boolean contains(List<Long> ids, long id) {
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == id) {
        return true;
      }
    }
    return false;
  }

  /** Fails what waits in the inbox; the loop thread also fails the waiting proposals. */
  private void failPending() {
    Event e;
    while ((e = inbox.poll()) != null) {
      if (e instanceof StepEvent s) {
        s.result().completeExceptionally(StoppedException.INSTANCE);
      } else if (e instanceof ConfChangeEvent c) {
        c.result().completeExceptionally(StoppedException.INSTANCE);
      } else if (e instanceof StatusEvent st) {
        st.result().completeExceptionally(StoppedException.INSTANCE);
      } else if (e instanceof ReadyEvent rd) {
        rd.result().completeExceptionally(StoppedException.INSTANCE);
      }
    }
  }
}
