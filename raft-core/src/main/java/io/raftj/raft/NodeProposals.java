package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The proposals of a {@link Node}'s loop: stepped at once while there is a leader, held in order
 * while there is none (up to the inbox capacity, as etcd's proposal channel holds its callers),
 * and, when dropped, failed through their future or, if they have none, counted and reported to the
 * {@link Node.ProposalDropListener}. Each is stepped as from this node: etcd's loop sets {@code
 * From} on every proposal.
 *
 * <p>A proposal is one of: a {@link ByteString} or a {@link Batch} (no future), a {@link
 * WithResult}, a MsgProp {@link Message} (no future) or a {@link Node.StepEvent} carrying one.
 * Confined to the node's loop, except {@link #reportDropped} for proposals that find the node
 * stopped.
 */
final class NodeProposals {

  /** A proposal of a batch, with no future. */
  record Batch(List<ByteString> batch) {}

  /**
   * A proposal of {@code data} (or of {@code batch} if not null) whose outcome completes {@code
   * result}.
   */
  record WithResult(
      @Nullable ByteString data,
      @Nullable List<ByteString> batch,
      CompletableFuture<Void> result) {}

  private final RawNode rn;
  private final Raft r;
  private final int capacity;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Node.@Nullable ProposalDropListener listener;
  private boolean allowed;

  NodeProposals(RawNode rn, int capacity) {
    this.rn = rn;
    this.r = rn.raft();
    this.capacity = capacity;
  }

  /** True if inbox event {@code e} is a proposal. */
  static boolean isProposal(Object e) {
    if (e instanceof ByteString || e instanceof Batch || e instanceof WithResult) {
      return true;
    }
    Message m = e instanceof Node.StepEvent s ? s.m() : e instanceof Message msg ? msg : null;
    return m != null && m.getType() == MessageType.MsgProp;
  }

  /** Lets proposals through (there is a leader) or holds them. */
  void setAllowed(boolean allowed) {
    this.allowed = allowed;
  }

  long dropped() {
    return dropped.get();
  }

  void setListener(Node.@Nullable ProposalDropListener listener) {
    this.listener = listener;
  }

  /** Steps proposal {@code p} now if it may go and none waits before it; otherwise it waits. */
  void offer(Object p) {
    if (allowed && waiting.isEmpty()) {
      step(p);
    } else if (waiting.size() < capacity) {
      waiting.add(p);
    } else {
      reportDropped(p, ProposalDroppedException.INSTANCE);
    }
  }

  /** Steps the waiting proposals, in order, while they may go. */
  void stepWaiting() {
    while (allowed && !waiting.isEmpty()) {
      step(waiting.poll());
    }
  }

  /** Drops every waiting proposal with {@code cause}. */
  void dropWaiting(RuntimeException cause) {
    for (Object p : waiting) {
      reportDropped(p, cause);
    }
    waiting.clear();
  }

  private void step(Object p) {
    CompletableFuture<Void> result = resultOf(p);
    if (result != null && result.isDone()) {
      return; // the caller gave up waiting
    }
    try {
      if (p instanceof ByteString d) {
        rn.propose(d);
      } else if (p instanceof Batch b) {
        rn.propose(b.batch());
      } else if (p instanceof WithResult w) {
        List<ByteString> batch = w.batch();
        if (batch != null) {
          rn.propose(batch);
        } else {
          rn.propose(Objects.requireNonNull(w.data())); // one of the two is set
        }
      } else {
        Message m = p instanceof Node.StepEvent s ? s.m() : (Message) p;
        r.step(m.getFrom() == r.id ? m : m.toBuilder().setFrom(r.id).build());
      }
    } catch (ProposalDroppedException ex) {
      reportDropped(p, ex);
      return;
    }
    if (result != null) {
      result.complete(null);
    }
  }

  private static @Nullable CompletableFuture<Void> resultOf(Object p) {
    if (p instanceof WithResult w) {
      return w.result();
    } else if (p instanceof Node.StepEvent s) {
      return s.result();
    }
    return null;
  }

  /** Fails the future of proposal {@code p}, or counts and reports it if it has none. */
  void reportDropped(Object p, RuntimeException cause) {
    CompletableFuture<Void> result = resultOf(p);
    if (result != null) {
      result.completeExceptionally(cause);
      return;
    }
    dropped.incrementAndGet();
    Node.ProposalDropListener l = listener;
    if (l != null) {
      try {
        l.dropped(payloads(p), cause);
      } catch (RuntimeException ex) {
        // The loop must go on; the listener's failure is the host's to fix.
        r.logger.errorf("raft.node: %x proposal drop listener failed: %v", r.id, ex);
      }
    }
  }

  private static List<ByteString> payloads(Object p) {
    if (p instanceof ByteString d) {
      return Collections.singletonList(d);
    } else if (p instanceof Batch b) {
      return b.batch();
    }
    List<Entry> ents = ((Message) p).getEntriesList();
    List<ByteString> out = new ArrayList<>(ents.size());
    for (int i = 0; i < ents.size(); i++) {
      out.add(ents.get(i).hasData() ? ents.get(i).getData() : null);
    }
    return out;
  }
}
