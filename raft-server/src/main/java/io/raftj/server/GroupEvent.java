package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What reaches a group's loop through its inbox, besides Raft messages from peers (which are queued
 * as {@link Message}s). Each record is one kind of input; the loop handles them in order.
 */
sealed interface GroupEvent {

  /**
   * A command, or a membership change of {@code target} when {@code op} is not null. The same
   * object then waits in this member's log ({@link PendingProposals}) once the leader appended it,
   * with the index and term of its entry, and completes a command's future as its {@link
   * io.raftj.server.Applied}: one object per proposal.
   */
  final class Propose implements GroupEvent, io.raftj.server.Applied {
    private ByteString data; // dropped once appended: the entry holds it
    private final MembershipOp op;
    private final long target;
    private final CompletableFuture<Object> future;
    private final long deadline;
    private long index; // set on the loop thread once appended
    private long term;
    private Object result; // set by the applier before the future completes

    /** The link in a {@link ProposalInbox}: written before the push, read after the take. */
    Propose next;

    Propose(
        ByteString data,
        MembershipOp op,
        long target,
        CompletableFuture<Object> future,
        long deadline) {
      this.data = data;
      this.op = op;
      this.target = target;
      this.future = future;
      this.deadline = deadline;
    }

    ByteString data() {
      return data;
    }

    MembershipOp op() {
      return op;
    }

    long target() {
      return target;
    }

    CompletableFuture<Object> future() {
      return future;
    }

    long deadline() {
      return deadline;
    }

    /** Whether this is a membership change. */
    boolean change() {
      return op != null;
    }

    /** The index of its entry, once appended (0 before). */
    @Override
    public long index() {
      return index;
    }

    /** The term of its entry, once appended: applied with another, the proposal was lost. */
    @Override
    public long term() {
      return term;
    }

    @Override
    public Object result() {
      return result;
    }

    /** The leader appended it as the entry at {@code index} of {@code term}. Loop thread. */
    void appended(long index, long term) {
      this.index = index;
      this.term = term;
      this.data = null;
    }

    /** Applied with {@code result}: completes the command's future with this as its outcome. */
    void complete(Object result) {
      this.result = result;
      future.complete(this);
    }

    @Override
    public String toString() {
      return "Applied[index=" + index + ", term=" + term + ", result=" + result + "]";
    }
  }

  /** The membership changes a {@link RaftGroup} offers. */
  enum MembershipOp {
    ADD_VOTER,
    ADD_LEARNER,
    PROMOTE,
    REMOVE
  }

  /** A read through ReadIndex (linearizable or lease). */
  record Read(Object query, CompletableFuture<Object> future, long deadline)
      implements GroupEvent {}

  /**
   * The storage thread made a {@code MsgStorageAppend} durable: its responses are due, and its
   * snapshot (if any) must reach the state machine before them.
   */
  record Stored(List<Message> responses, Snapshot snapshot) implements GroupEvent {}

  /**
   * The apply executor applied entries up to {@code index} (of {@code term}); membership changes
   * among them wait here to be applied to Raft's configuration.
   */
  record Applied(long index, long term, List<AppliedChange> changes, List<Message> responses)
      implements GroupEvent {}

  /** A committed membership change and the proposal that awaits it, if this member made it. */
  record AppliedChange(Entry entry, CompletableFuture<Object> future) {}

  /** The state machine's snapshot at {@code index} is durable in the snapshot store. */
  record SnapshotWritten(long index, long term) implements GroupEvent {}

  /** A snapshot transfer to {@code to} ended. */
  record SnapshotSent(long to, boolean delivered) implements GroupEvent {}

  /** Leadership should move to {@code target}. */
  record TransferLeader(long target, CompletableFuture<Object> future, long deadline)
      implements GroupEvent {}

  /** Traffic to {@code server} was dropped. */
  record Unreachable(long server) implements GroupEvent {}

  /** The leader {@code from} says the group is idle at {@code term} and {@code commit}. */
  record Quiesce(long from, long term, long commit) implements GroupEvent {}

  /** The group must stop; {@code cause} is null for an orderly close. */
  record Stop(String reason, Throwable cause) implements GroupEvent {}
}
