package io.raftj.simulation;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client operations of a run: when each was invoked and when it returned, on one logical clock
 * that orders every event of the run. A write returns with the index it was applied at; a read
 * returns with the applied index whose state it saw. Not thread-safe: confined to the world's
 * thread, or guarded by its caller.
 */
public final class History {

  /** Creates an empty history. */
  public History() {}

  /** Never returned (still pending, or its outcome is unknown). */
  public static final long PENDING = Long.MAX_VALUE;

  /** One client operation. */
  public static final class Op {
    final long id;
    final boolean write;
    final long member;
    final long invokedAt;
    long returnedAt = PENDING;
    long value;

    Op(long id, boolean write, long member, long invokedAt) {
      this.id = id;
      this.write = write;
      this.member = member;
      this.invokedAt = invokedAt;
    }

    /** The op ID {@link History#invoke} gave it. */
    public long id() {
      return id;
    }

    public boolean isWrite() {
      return write;
    }

    /** When it was invoked, on the history's clock. */
    public long invokedAt() {
      return invokedAt;
    }

    /** When it returned, or {@link #PENDING}. */
    public long returnedAt() {
      return returnedAt;
    }

    /** What it returned (meaningful once {@link #returned()}). */
    public long value() {
      return value;
    }

    public boolean returned() {
      return returnedAt != PENDING;
    }

    @Override
    public String toString() {
      return (write ? "write " : "read ")
          + id
          + " on "
          + Long.toHexString(member)
          + " ["
          + invokedAt
          + ", "
          + (returned() ? returnedAt + "] -> " + value : "pending]");
    }
  }

  private final Map<Long, Op> ops = new LinkedHashMap<>();
  private long clock;
  private long nextId = 1;

  /** Records the invocation of a write or read on {@code member}; returns its op ID. */
  public long invoke(boolean write, long member) {
    long id = nextId++;
    ops.put(id, new Op(id, write, member, ++clock));
    return id;
  }

  /** The op was refused at once and never entered the log. */
  public void refused(long opId) {
    ops.remove(opId);
  }

  /** The op returned {@code value}. */
  public void returned(long opId, long value) {
    Op op = ops.get(opId);
    if (op != null && !op.returned()) {
      op.returnedAt = ++clock;
      op.value = value;
    }
  }

  public Op op(long opId) {
    return ops.get(opId);
  }

  public Collection<Op> ops() {
    return ops.values();
  }
}
