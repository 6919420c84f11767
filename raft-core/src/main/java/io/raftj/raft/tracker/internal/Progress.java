package io.raftj.raft.tracker.internal;

import io.raftj.raft.tracker.ProgressState;
import io.raftj.raft.tracker.ProgressView;

/**
 * A follower's replication progress in the view of the leader, which decides from it what to send
 * next. Mirrors {@code Progress} in etcd's {@code tracker/progress.go}.
 *
 * <p>Progress is a small state machine ({@link ProgressState}) whose transitions are driven by the
 * leader's step functions; some fields only mean something in a particular state.
 *
 * <p>Invariant: {@code 0 <= match < next}.
 *
 * <p>In {@code StateSnapshot}: {@code next == pendingSnapshot + 1} and {@code sentCommit ==
 * pendingSnapshot}.
 *
 * <p>Not thread-safe: owned by the thread driving the Raft state machine.
 */
public final class Progress implements ProgressView {

  private long match;
  private long next;
  private long sentCommit;
  private ProgressState state = ProgressState.STATE_PROBE;
  private long pendingSnapshot;
  private boolean recentActive;
  private boolean msgAppFlowPaused;
  private Inflights inflights;
  private boolean isLearner;

  /**
   * Creates a progress in {@code StateProbe} with the given fields; the others are zero or false,
   * as in a Go struct literal.
   */
  public Progress(
      long match, long next, Inflights inflights, boolean isLearner, boolean recentActive) {
    this.match = match;
    this.next = next;
    this.inflights = inflights;
    this.isLearner = isLearner;
    this.recentActive = recentActive;
  }

  /**
   * Returns a copy of every field that shares this progress's {@link Inflights}, as copying the Go
   * struct by value does. Copy the inflights as well where the copy must be independent.
   */
  public Progress copy() {
    Progress c = new Progress(match, next, inflights, isLearner, recentActive);
    c.sentCommit = sentCommit;
    c.state = state;
    c.pendingSnapshot = pendingSnapshot;
    c.msgAppFlowPaused = msgAppFlowPaused;
    return c;
  }

  /** The index up to which the follower's log is known to match the leader's. */
  public long match() {
    return match;
  }

  /** Sets {@link #match()}. */
  public void setMatch(long match) {
    this.match = match;
  }

  /**
   * The index of the next entry to send to the follower. Entries in {@code (match, next)} are
   * already in flight.
   */
  public long next() {
    return next;
  }

  /** Sets {@link #next()}. */
  public void setNext(long next) {
    this.next = next;
  }

  /**
   * The highest commit index in flight to the follower. Mostly monotonic, but it regresses when the
   * progress falls back to probing or the follower rejects an append.
   */
  public long sentCommit() {
    return sentCommit;
  }

  /**
   * How the leader interacts with the follower. Changed only by the {@code become*} transitions.
   */
  public ProgressState state() {
    return state;
  }

  /**
   * In {@code StateSnapshot}, the leader's last index at the time it decided a snapshot was needed
   * (the index of the MsgSnap it emitted). Replication resumes on any MsgAppResp that reconnects
   * the follower to the log, whatever the snapshot's actual index, because snapshots may come from
   * elsewhere than the leader.
   */
  public long pendingSnapshot() {
    return pendingSnapshot;
  }

  /** Sets {@link #pendingSnapshot()}. */
  public void setPendingSnapshot(long pendingSnapshot) {
    this.pendingSnapshot = pendingSnapshot;
  }

  /**
   * True if the follower was heard from recently. Reset after an election timeout when check quorum
   * is on; always true for the leader itself.
   */
  public boolean recentActive() {
    return recentActive;
  }

  /** Sets {@link #recentActive()}. */
  public void setRecentActive(boolean recentActive) {
    this.recentActive = recentActive;
  }

  /**
   * True while the MsgApp flow to the follower is throttled: in {@code StateProbe} after a probe,
   * or in {@code StateReplicate} with saturated inflights. Cleared by a heartbeat response, so that
   * a throttled follower still gets an append now and then.
   */
  public boolean msgAppFlowPaused() {
    return msgAppFlowPaused;
  }

  /** Sets {@link #msgAppFlowPaused()}. */
  public void setMsgAppFlowPaused(boolean msgAppFlowPaused) {
    this.msgAppFlowPaused = msgAppFlowPaused;
  }

  /** The sliding window of unacknowledged appends; while it is full, no more are sent. */
  public Inflights inflights() {
    return inflights;
  }

  /** Sets {@link #inflights()}. */
  public void setInflights(Inflights inflights) {
    this.inflights = inflights;
  }

  /** True if this progress is tracked for a learner. */
  public boolean isLearner() {
    return isLearner;
  }

  /** Sets {@link #isLearner()}. */
  public void setIsLearner(boolean isLearner) {
    this.isLearner = isLearner;
  }

  /**
   * Moves to {@code state}, clearing the flow pause, the pending snapshot and the inflights. Go:
   * {@code ResetState}.
   */
  public void resetState(ProgressState state) {
    msgAppFlowPaused = false;
    pendingSnapshot = 0;
    this.state = state;
    inflights.reset();
  }

  /**
   * Moves to {@code StateProbe} with {@code next} at {@code match + 1}, or just past the pending
   * snapshot if the follower leaves {@code StateSnapshot} and the snapshot is further ahead: a
   * follower that was sent a snapshot is probed from there.
   */
  public void becomeProbe() {
    if (state == ProgressState.STATE_SNAPSHOT) {
      long snapshot = pendingSnapshot;
      resetState(ProgressState.STATE_PROBE);
      next = Math.max(match + 1, snapshot + 1);
    } else {
      resetState(ProgressState.STATE_PROBE);
      next = match + 1;
    }
    sentCommit = Math.min(sentCommit, next - 1);
  }

  /** Moves to {@code StateReplicate} with {@code next} at {@code match + 1}. */
  public void becomeReplicate() {
    resetState(ProgressState.STATE_REPLICATE);
    next = match + 1;
  }

  /** Moves to {@code StateSnapshot}, waiting for the snapshot at {@code snapshoti}. */
  public void becomeSnapshot(long snapshoti) {
    resetState(ProgressState.STATE_SNAPSHOT);
    pendingSnapshot = snapshoti;
    next = snapshoti + 1;
    sentCommit = snapshoti;
  }

  /**
   * Accounts for a MsgApp carrying {@code entries} consecutive entries from {@code next} on, with
   * {@code bytes} payload bytes in total.
   *
   * @throws IllegalStateException in {@code StateSnapshot}, where no appends are sent
   */
  public void sentEntries(int entries, long bytes) {
    switch (state) {
      case STATE_REPLICATE:
        if (entries > 0) {
          next += entries;
          inflights.add(next - 1, bytes);
        }
        // A message that fills the window, or was sent into a full one, counts as a probe.
        msgAppFlowPaused = inflights.full();
        break;
      case STATE_PROBE:
        // As in etcd, only a non-empty append pauses the probe flow.
        if (entries > 0) {
          msgAppFlowPaused = true;
        }
        break;
      default:
        throw new IllegalStateException("sending append in unhandled state " + state);
    }
  }

  /**
   * Returns true if sending commit index {@code index} may advance the follower's commit index: it
   * is new, and what was sent so far does not already take the follower to {@code next - 1}.
   */
  public boolean canBumpCommit(long index) {
    // next is at least 1 (it starts past match, which is at least 0), so next - 1 never wraps.
    return index > sentCommit && sentCommit < next - 1;
  }

  /** Records that commit index {@code commit} was sent. Go: {@code SentCommit}. */
  public void sentCommit(long commit) {
    sentCommit = commit;
  }

  /**
   * Handles a MsgAppResp acknowledging index {@code n}. Returns false if {@code n} is stale,
   * otherwise raises {@code match} (and {@code next} if needed), unpauses the flow and returns
   * true.
   */
  public boolean maybeUpdate(long n) {
    if (n <= match) {
      return false;
    }
    match = n;
    next = Math.max(next, n + 1);
    msgAppFlowPaused = false;
    return true;
  }

  /**
   * Handles a MsgApp rejection of index {@code rejected} with the follower's hint {@code
   * matchHint}. Returns false, changing nothing, if the rejection is stale (reordered or duplicated
   * messages); otherwise lowers {@code next} and clears the flow for sending.
   */
  public boolean maybeDecrTo(long rejected, long matchHint) {
    if (state == ProgressState.STATE_REPLICATE) {
      // Anything at or below match was acknowledged already, so the rejection is stale.
      if (rejected <= match) {
        return false;
      }
      next = match + 1;
      // The follower has most likely not applied the commit index sent with the lost entries.
      sentCommit = Math.min(sentCommit, next - 1);
      return true;
    }
    // Outside StateReplicate appends go one at a time, so a genuine rejection is of next - 1.
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
    sentCommit = Math.min(sentCommit, next - 1);
    msgAppFlowPaused = false;
    return true;
  }

  /**
   * Returns true if sending entries to this follower is throttled: it rejected recent appends, is
   * waiting for a snapshot, or has saturated its inflights.
   */
  public boolean isPaused() {
    switch (state) {
      case STATE_PROBE:
      case STATE_REPLICATE:
        return msgAppFlowPaused;
      case STATE_SNAPSHOT:
        return true;
      default:
        throw new IllegalStateException("unexpected state");
    }
  }

  /**
   * Returns etcd's one-line form, e.g. {@code StateReplicate match=5 next=6 paused inactive
   * inflight=3[full]}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(64);
    sb.append(state).append(" match=").append(match).append(" next=").append(next);
    if (isLearner) {
      sb.append(" learner");
    }
    if (isPaused()) {
      sb.append(" paused");
    }
    if (pendingSnapshot > 0) {
      sb.append(" pendingSnap=").append(pendingSnapshot);
    }
    if (!recentActive) {
      sb.append(" inactive");
    }
    // Copies handed out by RawNode.withProgress carry no inflights.
    int n = inflights == null ? 0 : inflights.count();
    if (n > 0) {
      sb.append(" inflight=").append(n);
      if (inflights.full()) {
        sb.append("[full]");
      }
    }
    return sb.toString();
  }
}
