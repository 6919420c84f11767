package io.raftj.server;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The leadership transfer a group's leader has under way, if any: it completes when the target
 * leads, and fails when superseded, at its deadline, or when the group stops. Confined to the
 * group's loop thread.
 */
final class LeaderTransfer {

  private final BiConsumer<CompletableFuture<Object>, RaftServerException> fail;
  private GroupEvent.TransferLeader pending;

  LeaderTransfer(BiConsumer<CompletableFuture<Object>, RaftServerException> fail) {
    this.fail = fail;
  }

  boolean inProgress() {
    return pending != null;
  }

  /** Starts {@code t}, failing the transfer it supersedes; the leader is {@code leader}. */
  void start(GroupEvent.TransferLeader t, long leader) {
    if (pending != null) {
      fail.accept(
          pending.future(), new NotLeaderException("superseded by another transfer", leader));
    }
    pending = t;
  }

  /** The group's leader is now {@code leader}: the transfer to it is done. */
  void leaderChanged(long leader) {
    if (pending != null && leader == pending.target()) {
      pending.future().complete(null);
      pending = null;
    }
  }

  /** Fails the transfer if its deadline has passed at {@code now}. */
  void expire(long now) {
    if (pending != null && pending.deadline() - now <= 0) {
      fail.accept(
          pending.future(),
          new DeadlineExceededException(
              "leadership did not move to " + Long.toUnsignedString(pending.target())));
      pending = null;
    }
  }

  /** Fails the transfer under way with {@code ex}. */
  void fail(RaftServerException ex) {
    if (pending != null) {
      fail.accept(pending.future(), ex);
      pending = null;
    }
  }
}
