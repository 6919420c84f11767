package io.raftj.server;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A handle on one group member hosted by a {@link RaftServer}. Thread-safe: every method may be
 * called from any thread and returns at once; outcomes arrive as futures.
 *
 * <p>Every future completes, with a result or with one of the {@link RaftServerException}
 * subclasses: {@link NotLeaderException} (dropped before entering the log; retry at the leader
 * hint), {@link ProposalLostException} (entered the log but a new leader replaced it), {@link
 * DeadlineExceededException} or {@link OutcomeUnknownException} (the outcome cannot be known here),
 * {@link GroupStoppedException}, {@link MembershipChangeException}. Futures complete on the group's
 * apply executor: chain blocking work with the {@code *Async} methods.
 *
 * @see <a href="../../../../../../docs/server.md">docs/server.md</a>
 */
public final class RaftGroup {

  private final GroupRunner runner;
  private final CopyOnWriteArrayList<LeaderListener> listeners = new CopyOnWriteArrayList<>();

  RaftGroup(GroupRunner runner) {
    this.runner = runner;
  }

  /** The group's ID. */
  public long groupId() {
    return runner.groupId();
  }

  /** The ID of the server this member runs on (its Raft node ID). */
  public long serverId() {
    return runner.server().serverId();
  }

  /**
   * Proposes a command with the group's default deadline. It succeeds once the command is committed
   * and applied on this member, with its index, term and the state machine's result. Only the
   * leader accepts proposals; proposals waiting when the loop turns are appended as one batch.
   */
  public CompletableFuture<Applied> propose(ByteString data) {
    return propose(data, runner.options().operationTimeout());
  }

  /** Proposes a command that fails with {@link DeadlineExceededException} after {@code timeout}. */
  public CompletableFuture<Applied> propose(ByteString data, Duration timeout) {
    Objects.requireNonNull(data, "data");
    return cast(submit(data, null, 0, timeout));
  }

  /**
   * Answers {@code query} with {@link StateMachine#query} under {@code policy}, with the group's
   * default deadline.
   */
  public CompletableFuture<Object> read(Object query, ReadPolicy policy) {
    return read(query, policy, runner.options().operationTimeout());
  }

  /** Answers {@code query} under {@code policy}, failing after {@code timeout}. */
  public CompletableFuture<Object> read(Object query, ReadPolicy policy, Duration timeout) {
    Objects.requireNonNull(policy, "policy");
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (runner.isStopped()) {
      f.completeExceptionally(new GroupStoppedException("group is stopped", null));
      return f;
    }
    boolean lease = runner.options().leaseReads();
    if (policy == ReadPolicy.LOCAL) {
      runner.localRead(query, f);
      return f;
    }
    if (policy == ReadPolicy.LEASE && !lease) {
      f.completeExceptionally(
          new IllegalArgumentException(
              "lease reads are off for group "
                  + Long.toUnsignedString(groupId())
                  + ": create it with GroupOptions.withLeaseReads(true)"));
      return f;
    }
    if (policy == ReadPolicy.LINEARIZABLE && lease) {
      f.completeExceptionally(
          new IllegalArgumentException(
              "group "
                  + Long.toUnsignedString(groupId())
                  + " serves reads from its lease: use ReadPolicy.LEASE (or LOCAL)"));
      return f;
    }
    runner.enqueue(new GroupEvent.Read(query, f, deadline(timeout)));
    return f;
  }

  /** Adds {@code server} as a voter; completes with the membership once the change is applied. */
  public CompletableFuture<Membership> addVoter(long server) {
    return membership(GroupEvent.MembershipOp.ADD_VOTER, server);
  }

  /** Adds {@code server} as a learner (receives the log, does not vote). */
  public CompletableFuture<Membership> addLearner(long server) {
    return membership(GroupEvent.MembershipOp.ADD_LEARNER, server);
  }

  /** Makes the learner {@code server} a voter. */
  public CompletableFuture<Membership> promote(long server) {
    return membership(GroupEvent.MembershipOp.PROMOTE, server);
  }

  /**
   * Removes {@code server} from the group. Refused for the last voter. A removed member's group
   * stops on that server once it applies the change.
   */
  public CompletableFuture<Membership> remove(long server) {
    return membership(GroupEvent.MembershipOp.REMOVE, server);
  }

  /**
   * Moves leadership to the voter {@code server}; completes when this member sees it lead, and
   * fails if it does not within the group's default deadline.
   */
  public CompletableFuture<Void> transferLeadership(long server) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    runner.enqueue(
        new GroupEvent.TransferLeader(server, f, deadline(runner.options().operationTimeout())));
    return f.thenApply(x -> null);
  }

  /** This member's state as of its last loop turn. */
  public GroupStatus status() {
    return runner.status();
  }

  /**
   * Calls {@code l} on every leader change this member sees from now on, and first with the leader
   * it knows now, if any, so that a leader elected while the listener was being added is not missed
   * (the same leader may then be reported twice).
   */
  public void addLeaderListener(LeaderListener l) {
    listeners.add(Objects.requireNonNull(l, "listener"));
    GroupStatus s = status();
    if (s != null && s.leader() != 0) {
      runner.server().tellListener(l, groupId(), s.leader(), s.term());
    }
  }

  /** Stops calling {@code l}. */
  public void removeLeaderListener(LeaderListener l) {
    listeners.remove(l);
  }

  /**
   * Stops this member (the other members go on without it): pending operations fail with {@link
   * GroupStoppedException}, the log is closed, and the data directory is kept, so the group can be
   * created again from it. Completes once the log is closed.
   */
  public CompletableFuture<Void> close() {
    return runner.server().closeGroup(runner);
  }

  CopyOnWriteArrayList<LeaderListener> listeners() {
    return listeners;
  }

  private CompletableFuture<Membership> membership(GroupEvent.MembershipOp op, long server) {
    return cast(submit(null, op, server, runner.options().operationTimeout()));
  }

  private CompletableFuture<Object> submit(
      ByteString data, GroupEvent.MembershipOp op, long target, Duration timeout) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (runner.isStopped()) {
      f.completeExceptionally(new GroupStoppedException("group is stopped", null));
      return f;
    }
    if (!runner.admit()) {
      f.completeExceptionally(
          new NotLeaderException(
              "too many proposals pending (" + runner.options().maxPendingProposals() + ")",
              runner.status().leader()));
      return f;
    }
    runner.propose(new GroupEvent.Propose(data, op, target, f, deadline(timeout)));
    return f;
  }

  private long deadline(Duration timeout) {
    return runner.server().scheduler().nanoTime() + timeout.toNanos();
  }

  @SuppressWarnings("unchecked")
  private static <T> CompletableFuture<T> cast(CompletableFuture<Object> f) {
    return (CompletableFuture<T>) (CompletableFuture<?>) f;
  }
}
