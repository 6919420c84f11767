package io.raftj.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one group runs on a {@link RaftServer}: its ID and first members, its Raft timing and flow
 * control, its read mode and its snapshot policy. Immutable; each {@code withX} returns a copy.
 *
 * <p>The defaults follow etcd's server: an election timeout of 10 ticks and a heartbeat every tick
 * (1 s and 100 ms at the server's default 100 ms tick), pre-vote and check-quorum on, 1 MiB per
 * append message and 512 messages in flight per follower; a snapshot every 10,000 applied entries
 * or 64 MiB of applied payload, with 5,000 entries kept behind it for slow followers, whatever the
 * state's size (no {@link #snapshotLogRatio()}); a proposal or read that has no outcome after 10
 * seconds fails with {@link DeadlineExceededException}.
 *
 * @param groupId the group's ID, unique among the server's groups
 * @param members the servers that form a new group (its voters); ignored when the group restarts
 *     from its data directory or joins an existing group
 * @param join true to start empty and wait for the leader to send the log (the member must have
 *     been added with {@link RaftGroup#addVoter} or {@link RaftGroup#addLearner} first)
 * @param electionTicks ticks without a leader before a follower campaigns
 * @param heartbeatTicks ticks between a leader's heartbeats
 * @param maxSizePerMsg the largest append message, in encoded entry bytes
 * @param maxInflightMsgs append messages in flight to one follower
 * @param maxPendingProposals proposals accepted but not yet resolved before new ones are refused
 * @param leaseReads whether {@link ReadPolicy#LEASE} reads are allowed (etcd's {@code
 *     ReadOnlyLeaseBased}); such a group never quiesces, and refuses {@link
 *     ReadPolicy#LINEARIZABLE} reads, which it could only answer from the lease
 * @param snapshotEntries applied entries after which a snapshot is taken (0: never by count)
 * @param snapshotBytes applied payload bytes after which a snapshot is taken (0: never by size)
 * @param snapshotCatchUpEntries entries kept in the log behind a snapshot
 * @param snapshotLogRatio with a positive ratio, a snapshot due by count or by size also waits
 *     until the payload applied since the last one is at least this multiple of the last snapshot's
 *     bytes (0: never waits). A state larger than the log between snapshots is then written out at
 *     most once per that fraction of it in log, not once per {@code snapshotEntries}: at 1.0 the
 *     snapshots never write more than the log does
 * @param operationTimeout the default deadline of proposals, reads and membership changes
 * @param applyOnLoopThread run the state machine on the group's loop thread instead of an apply
 *     executor: one thread hand-off less per command, for state machines that never take long (a
 *     slow one then delays this loop thread's groups: their ticks, heartbeats and replication)
 */
public record GroupOptions(
    long groupId,
    List<Long> members,
    boolean join,
    int electionTicks,
    int heartbeatTicks,
    long maxSizePerMsg,
    int maxInflightMsgs,
    int maxPendingProposals,
    boolean leaseReads,
    long snapshotEntries,
    long snapshotBytes,
    long snapshotCatchUpEntries,
    double snapshotLogRatio,
    Duration operationTimeout,
    boolean applyOnLoopThread) {

  /** Validates every field. */
  public GroupOptions {
    members = List.copyOf(members);
    for (Long m : members) {
      if (m == 0) {
        throw new IllegalArgumentException("0 cannot be a member ID");
      }
    }
    if (members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("duplicate member in " + members);
    }
    if (heartbeatTicks <= 0) {
      throw new IllegalArgumentException("heartbeat ticks must be greater than 0");
    }
    if (electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException("election ticks must be greater than heartbeat ticks");
    }
    if (maxSizePerMsg <= 0 || maxInflightMsgs <= 0 || maxPendingProposals <= 0) {
      throw new IllegalArgumentException(
          "maxSizePerMsg, maxInflightMsgs and maxPendingProposals must be positive");
    }
    if (snapshotEntries < 0 || snapshotBytes < 0 || snapshotCatchUpEntries < 0) {
      throw new IllegalArgumentException("snapshot thresholds must not be negative");
    }
    if (!(snapshotLogRatio >= 0) || Double.isInfinite(snapshotLogRatio)) {
      throw new IllegalArgumentException(
          "snapshot log ratio must be a finite number, 0 or more: " + snapshotLogRatio);
    }
    if (operationTimeout.isNegative() || operationTimeout.isZero()) {
      throw new IllegalArgumentException("operation timeout must be positive: " + operationTimeout);
    }
  }

  /** A new group of {@code members} with the defaults in the class comment. */
  public static GroupOptions of(long groupId, long... members) {
    List<Long> list = new ArrayList<>(members.length);
    for (long m : members) {
      list.add(m);
    }
    return new GroupOptions(
        groupId,
        list,
        false,
        10,
        1,
        1 << 20,
        512,
        65_536,
        false,
        10_000,
        64L << 20,
        5_000,
        0,
        Duration.ofSeconds(10),
        false);
  }

  /** A member that joins the existing group {@code groupId}, with the defaults. */
  public static GroupOptions joining(long groupId) {
    return of(groupId).withJoin(true);
  }

  /** A copy with {@link #join()} set. */
  public GroupOptions withJoin(boolean join) {
    return with(c -> c.join = join);
  }

  /** A copy with the election and heartbeat timeouts, in ticks. */
  public GroupOptions withTicks(int electionTicks, int heartbeatTicks) {
    return with(
        c -> {
          c.electionTicks = electionTicks;
          c.heartbeatTicks = heartbeatTicks;
        });
  }

  /** A copy with the append flow control. */
  public GroupOptions withFlowControl(long maxSizePerMsg, int maxInflightMsgs) {
    return with(
        c -> {
          c.maxSizePerMsg = maxSizePerMsg;
          c.maxInflightMsgs = maxInflightMsgs;
        });
  }

  /** A copy with {@link #maxPendingProposals()} set. */
  public GroupOptions withMaxPendingProposals(int maxPendingProposals) {
    return with(c -> c.maxPendingProposals = maxPendingProposals);
  }

  /** A copy with {@link #leaseReads()} set. */
  public GroupOptions withLeaseReads(boolean leaseReads) {
    return with(c -> c.leaseReads = leaseReads);
  }

  /** A copy with the snapshot policy. */
  public GroupOptions withSnapshots(long entries, long bytes, long catchUpEntries) {
    return with(
        c -> {
          c.snapshotEntries = entries;
          c.snapshotBytes = bytes;
          c.snapshotCatchUpEntries = catchUpEntries;
        });
  }

  /** A copy with {@link #snapshotLogRatio()} set. */
  public GroupOptions withSnapshotLogRatio(double ratio) {
    return with(c -> c.snapshotLogRatio = ratio);
  }

  /** A copy with {@link #applyOnLoopThread()} set. */
  public GroupOptions withApplyOnLoopThread(boolean applyOnLoopThread) {
    return with(c -> c.applyOnLoopThread = applyOnLoopThread);
  }

  /** A copy with {@link #operationTimeout()} set. */
  public GroupOptions withOperationTimeout(Duration operationTimeout) {
    return with(c -> c.operationTimeout = operationTimeout);
  }

  /** A copy with what {@code change} sets on the fields of this one; validated again. */
  private GroupOptions with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new GroupOptions(
        c.groupId,
        c.members,
        c.join,
        c.electionTicks,
        c.heartbeatTicks,
        c.maxSizePerMsg,
        c.maxInflightMsgs,
        c.maxPendingProposals,
        c.leaseReads,
        c.snapshotEntries,
        c.snapshotBytes,
        c.snapshotCatchUpEntries,
        c.snapshotLogRatio,
        c.operationTimeout,
        c.applyOnLoopThread);
  }

  /** The fields of an instance, to change before building the next. */
  private static final class Copy {
    final long groupId;
    final List<Long> members;
    boolean join;
    int electionTicks;
    int heartbeatTicks;
    long maxSizePerMsg;
    int maxInflightMsgs;
    int maxPendingProposals;
    boolean leaseReads;
    long snapshotEntries;
    long snapshotBytes;
    long snapshotCatchUpEntries;
    double snapshotLogRatio;
    Duration operationTimeout;
    boolean applyOnLoopThread;

    Copy(GroupOptions o) {
      groupId = o.groupId;
      members = o.members;
      join = o.join;
      electionTicks = o.electionTicks;
      heartbeatTicks = o.heartbeatTicks;
      maxSizePerMsg = o.maxSizePerMsg;
      maxInflightMsgs = o.maxInflightMsgs;
      maxPendingProposals = o.maxPendingProposals;
      leaseReads = o.leaseReads;
      snapshotEntries = o.snapshotEntries;
      snapshotBytes = o.snapshotBytes;
      snapshotCatchUpEntries = o.snapshotCatchUpEntries;
      snapshotLogRatio = o.snapshotLogRatio;
      operationTimeout = o.operationTimeout;
      applyOnLoopThread = o.applyOnLoopThread;
    }
  }
}
