package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group's apply side: committed entries into the {@link StateMachine}, proposals' futures
 * completed with their results, reads answered once applied far enough, snapshots taken by policy
 * and restored from the leader's. Every method only queues work on the group's apply executor; the
 * state below is confined to it. When that executor is the group's loop thread, {@link #apply}
 * (called on the loop) runs in the same loop run if nothing else of the applier's is queued.
 */
final class Applier {

  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  /** Raft's snapshot data for a snapshot whose bytes are in the group's {@link SnapshotStore}. */
  static final ByteString MARKER = ByteString.copyFromUtf8("raftj-server-snapshot/1");

  private final GroupRunner group;
  private final StateMachine sm;
  private final Executor executor;
  private final Executor snapshotExecutor;
  private final SnapshotStore store;
  private final GroupOptions options;
  private final AtomicBoolean snapshotInFlight = new AtomicBoolean();

  /**
   * The size of the newest snapshot written or restored, for {@link
   * GroupOptions#snapshotLogRatio()}; written by the snapshot executor or the apply executor.
   */
  private volatile long lastSnapshotBytes;

  /** Whether the executor is the group's loop thread ({@link GroupOptions#applyOnLoopThread()}). */
  private final boolean onLoop;

  /**
   * Whether the group drives RawNode's synchronous Ready cycle ({@link
   * GroupRunner#synchronousReady()}): each apply is then reported by a call on the loop thread.
   */
  private final boolean inline;

  /** With {@link #onLoop}: tasks queued on the executor that have not started. */
  private final AtomicInteger queued = new AtomicInteger();

  /** With {@link #onLoop}: applies deferred until the loop run's messages are sent; loop only. */
  private int deferred;

  /* Confined to the apply executor. */
  private final Batch batch = new Batch();
  private final List<WaitingRead> reads = new ArrayList<>();
  private long applied;
  private long appliedTerm;
  private long lastSnapshotIndex;

  /** This member's {@link #snapshotPhase}. */
  private final long phase;

  /** How many entries early the next snapshot by count comes: {@link #phase} until one is taken. */
  private long snapshotEarlyBy;

  private long bytesSinceSnapshot;
  private long payloadBytesApplied; // for the mean payload the log memory budget estimates with
  private long entriesApplied;
  private long lastChangeIndex; // the newest membership change applied
  private Throwable stopped;

  private record WaitingRead(Object query, CompletableFuture<Object> future, long minIndex) {}

  Applier(
      GroupRunner group,
      StateMachine sm,
      Executor executor,
      Executor snapshotExecutor,
      SnapshotStore store,
      GroupOptions options,
      long applied,
      long appliedTerm) {
    this.group = group;
    this.sm = sm;
    this.executor = executor;
    this.snapshotExecutor = snapshotExecutor;
    this.store = store;
    this.options = options;
    this.onLoop = options.applyOnLoopThread();
    this.inline = group.synchronousReady();
    this.applied = applied;
    this.appliedTerm = appliedTerm;
    this.lastSnapshotIndex = applied;
    this.phase = snapshotPhase(group.serverId(), options.groupId(), options.snapshotEntries());
    this.snapshotEarlyBy = phase;
  }

  /**
   * How many entries before the count this member takes its first snapshot after a start or a
   * restore: a share of {@code entries} fixed by the server and group ids. Every member of a group
   * reaches the count at about the same index, so without it all of them would capture and write
   * the whole state at once, and on a shared disk (or in a 3-member group, where the leader needs
   * one follower for a quorum) that stalls commits for the length of the write. Later snapshots
   * keep the offset: the count restarts from each one (one taken for another reason, a membership
   * change for one, leaves the offset to the next by count). The share is Fibonacci hashing of the
   * ids, which puts consecutive server ids far apart: the members on servers 1, 2 and 3 of a group
   * are at least 23% of the count from each other.
   */
  static long snapshotPhase(long serverId, long groupId, long entries) {
    if (entries <= 1) {
      return 0;
    }
    long h = serverId * 0x9E3779B97F4A7C15L + groupId * 0xC2B2AE3D27D4EB4FL;
    double share = (h >>> 11) * 0x1.0p-53;
    return Math.min(entries - 1, (long) (share * entries));
  }

  /**
   * Applies committed {@code entries}, resolving {@code proposals} among them; {@code responses} (a
   * {@code MsgStorageApply}'s) go back to the loop with the outcome. On the loop thread with
   * nothing of ours queued before it, the apply runs without a task hop: at once, or with {@code
   * afterSend} once the loop run has sent its messages.
   */
  void apply(
      List<Entry> entries,
      List<Message> responses,
      List<GroupEvent.Propose> proposals,
      boolean afterSend) {
    if (onLoop && queued.get() == 0) {
      if (afterSend || deferred > 0) {
        // A task queued meanwhile runs after the loop run, so after this apply as well; and an
        // apply that comes while one is deferred (the member became leader in the same run) is
        // deferred behind it, never run before it.
        deferred++;
        group
            .worker()
            .afterSend(
                group,
                () -> {
                  deferred--;
                  doApply(entries, responses, proposals);
                });
      } else {
        doApply(entries, responses, proposals);
      }
      return;
    }
    submit(() -> doApply(entries, responses, proposals));
  }

  /** Replaces the state with the snapshot Raft accepted, before any entry after it. */
  void restore(Snapshot snap) {
    submit(() -> doRestore(snap));
  }

  /** Answers {@code query} once entries up to {@code minIndex} are applied. */
  void read(Object query, CompletableFuture<Object> future, long minIndex) {
    submit(
        () -> {
          if (stopped != null) {
            future.completeExceptionally(stoppedException());
            return;
          }
          reads.add(new WaitingRead(query, future, minIndex));
          serveReads();
        });
  }

  /** Completes {@code future} with {@code value} off the loop thread, after earlier applies. */
  void completeLater(CompletableFuture<Object> future, Object value) {
    submit(() -> future.complete(value));
  }

  /** Makes the applier of a group, given the snapshot the group starts from. */
  @FunctionalInterface
  interface Factory {
    Applier create(GroupRunner group, Snapshot start) throws java.io.IOException;
  }

  /** Completes {@code future} with {@code ex} off the loop thread, after earlier applies. */
  void fail(CompletableFuture<Object> future, Throwable ex) {
    submit(() -> future.completeExceptionally(ex));
  }

  /** Fails every waiting read, and every later one. */
  void stop(String reason, Throwable cause) {
    submit(
        () -> {
          if (stopped == null) {
            stopped = new GroupStoppedException(reason, cause);
          }
          for (WaitingRead r : reads) {
            r.future.completeExceptionally(stopped);
          }
          reads.clear();
        });
  }

  /** Fails reads issued through ReadIndex that have not been answered: leadership changed. */
  void failReads(RaftServerException ex) {
    submit(
        () -> {
          for (int i = reads.size() - 1; i >= 0; i--) {
            if (reads.get(i).minIndex > applied) {
              reads.remove(i).future.completeExceptionally(ex);
            }
          }
        });
  }

  /**
   * Queues {@code task} on the apply executor. On the loop thread the tasks are counted until they
   * run, so that an apply runs inline only when none of them would be overtaken.
   */
  private void submit(Runnable task) {
    if (!onLoop) {
      executor.execute(task);
      return;
    }
    queued.incrementAndGet();
    executor.execute(
        () -> {
          queued.decrementAndGet();
          task.run();
        });
  }

  private GroupStoppedException stoppedException() {
    return stopped instanceof GroupStoppedException g
        ? g
        : new GroupStoppedException("group stopped", stopped);
  }

  private void doApply(
      List<Entry> entries, List<Message> responses, List<GroupEvent.Propose> proposals) {
    if (stopped != null) {
      for (GroupEvent.Propose p : proposals) {
        p.future().completeExceptionally(stoppedException());
      }
      return;
    }
    long first = entries.get(0).getIndex();
    Entry last = entries.get(entries.size() - 1);
    if (first > applied + 1) {
      group.enqueue(
          new GroupEvent.Stop("apply gap: applied " + applied + ", next entry " + first, null));
      return;
    }
    batch.clear();
    List<GroupEvent.AppliedChange> changes = null;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.getIndex() <= applied) {
        continue; // already in the restored snapshot
      }
      if (e.getType() == EntryType.EntryNormal) {
        if (e.hasData()) {
          batch.add(e);
          bytesSinceSnapshot += e.getData().size();
          payloadBytesApplied += e.getData().size();
        }
        entriesApplied++;
      } else {
        if (changes == null) {
          changes = new ArrayList<>(1);
        }
        changes.add(new GroupEvent.AppliedChange(e, null));
      }
    }
    if (batch.size > 0) {
      try {
        sm.apply(batch);
      } catch (RuntimeException | Error e) {
        LOG.error(
            "group {}: state machine failed to apply entries {}..{}",
            Long.toUnsignedString(group.groupId()),
            first,
            last.getIndex(),
            e);
        group.enqueue(new GroupEvent.Stop("state machine failed", e));
        stopped = new GroupStoppedException("state machine failed", e);
        for (GroupEvent.Propose p : proposals) {
          p.future().completeExceptionally(stopped);
        }
        return;
      }
    }
    if (changes != null) {
      lastChangeIndex = last.getIndex();
    }
    changes = resolve(entries, first, proposals, changes);
    applied = last.getIndex();
    appliedTerm = last.getTerm();
    serveReads();
    report(changes == null ? List.of() : changes, responses);
    maybeSnapshot();
  }

  /** Completes each proposal applied in this batch; returns the changes with their futures. */
  private List<GroupEvent.AppliedChange> resolve(
      List<Entry> entries,
      long first,
      List<GroupEvent.Propose> proposals,
      List<GroupEvent.AppliedChange> changes) {
    int slot = 0;
    for (int i = 0; i < proposals.size(); i++) {
      GroupEvent.Propose p = proposals.get(i);
      long off = p.index() - first;
      if (off < 0 || off >= entries.size()) {
        p.future()
            .completeExceptionally(
                new OutcomeUnknownException(
                    "entry " + p.index() + " was not among the applied entries"));
        continue;
      }
      Entry e = entries.get((int) off);
      if (e.getTerm() != p.term()) {
        p.future()
            .completeExceptionally(new ProposalLostException(p.index(), p.term(), e.getTerm()));
      } else if (p.change()) {
        if (e.getType() == EntryType.EntryNormal) {
          // Raft turns a change it refuses into an empty entry.
          p.future()
              .completeExceptionally(
                  new MembershipChangeException("another membership change is still in progress"));
        } else {
          for (int c = 0; c < changes.size(); c++) {
            if (changes.get(c).entry().getIndex() == p.index()) {
              changes.set(c, new GroupEvent.AppliedChange(e, p.future()));
            }
          }
        }
      } else {
        while (slot < batch.size && batch.index[slot] < p.index()) {
          slot++;
        }
        Object result =
            slot < batch.size && batch.index[slot] == p.index() ? batch.results[slot] : null;
        p.complete(result);
      }
    }
    return changes;
  }

  private void serveReads() {
    for (int i = 0; i < reads.size(); ) {
      WaitingRead r = reads.get(i);
      if (r.minIndex > applied) {
        i++;
        continue;
      }
      reads.remove(i);
      try {
        r.future.complete(sm.query(r.query));
      } catch (RuntimeException | Error e) {
        r.future.completeExceptionally(e);
      }
    }
  }

  private void maybeSnapshot() {
    // a state much larger than the log since its last snapshot is not written out again yet
    boolean logGrown = bytesSinceSnapshot >= options.snapshotLogRatio() * lastSnapshotBytes;
    boolean byCount =
        options.snapshotEntries() > 0
            && applied - lastSnapshotIndex + snapshotEarlyBy >= options.snapshotEntries()
            && logGrown;
    boolean bySize =
        options.snapshotBytes() > 0 && bytesSinceSnapshot >= options.snapshotBytes() && logGrown;
    // A leader sends a lagging member its newest snapshot, which a member added after it was
    // taken refuses (it is not in the snapshot's configuration): with a policy, a membership
    // change is followed by a snapshot.
    boolean byChange =
        (options.snapshotEntries() > 0 || options.snapshotBytes() > 0)
            && lastChangeIndex > lastSnapshotIndex;
    boolean byMemory =
        group
                .memoryShare()
                .report(group.heldEntries(), payloadBytesApplied / Math.max(1, entriesApplied))
            && applied > lastSnapshotIndex;
    if (!(byCount || bySize || byChange || byMemory)
        || !snapshotInFlight.compareAndSet(false, true)) {
      return;
    }
    if (byMemory && !(byCount || bySize || byChange)) {
      group.memoryShare().tookEarlySnapshot();
    }
    SnapshotWriter writer;
    try {
      writer = sm.snapshot();
    } catch (RuntimeException | Error e) {
      snapshotInFlight.set(false);
      LOG.warn(
          "group {}: state machine could not capture a snapshot",
          Long.toUnsignedString(group.groupId()),
          e);
      return;
    }
    long index = applied;
    long term = appliedTerm;
    lastSnapshotIndex = index;
    if (byCount) {
      snapshotEarlyBy = 0; // the offset is kept from here on: the count restarts from this one
    }
    bytesSinceSnapshot = 0;
    snapshotExecutor.execute(() -> write(writer, index, term));
  }

  /** On the snapshot executor: streams the captured view to the store. */
  private void write(SnapshotWriter writer, long index, long term) {
    SnapshotStore.Pending pending = null;
    try {
      pending = store.create(term, index);
      writer.writeTo(pending.out());
      lastSnapshotBytes = pending.commit();
      group.enqueue(new GroupEvent.SnapshotWritten(index, term));
    } catch (IOException | RuntimeException | Error e) {
      if (pending != null) {
        pending.abort();
      }
      LOG.warn(
          "group {}: writing the snapshot at index {} failed; the next one retries",
          Long.toUnsignedString(group.groupId()),
          index,
          e);
    } finally {
      snapshotInFlight.set(false);
      // what came due while this one was written (a membership change) need not wait for more
      // entries
      executor.execute(
          () -> {
            if (stopped == null) {
              maybeSnapshot();
            }
          });
    }
  }

  private void doRestore(Snapshot snap) {
    if (stopped != null) {
      return;
    }
    long index = snap.getMetadata().getIndex();
    long term = snap.getMetadata().getTerm();
    if (!snap.getData().equals(MARKER)) {
      group.enqueue(
          new GroupEvent.Stop(
              "snapshot at index " + index + " was not written by raft-server", null));
      return;
    }
    try (CountingInput in = new CountingInput(store.open(term, index))) {
      sm.restore(in);
      lastSnapshotBytes = in.count;
    } catch (IOException | RuntimeException | Error e) {
      group.enqueue(new GroupEvent.Stop("restoring the snapshot at index " + index + " failed", e));
      stopped = new GroupStoppedException("restoring a snapshot failed", e);
      return;
    }
    boolean fromLeader = index > applied; // not the group's own snapshot at start
    applied = index;
    appliedTerm = term;
    lastSnapshotIndex = index;
    // the leader's snapshot point: take this member's own offset from it again
    snapshotEarlyBy = phase;
    bytesSinceSnapshot = 0;
    serveReads();
    if (fromLeader) {
      // the loop's applied index (its status) moves to the snapshot's, without waiting for an
      // entry; at start the loop begins there anyway (and may not be set up yet)
      report(List.of(), List.of());
    }
  }

  /**
   * Tells the loop that entries up to {@link #applied} are applied: in the synchronous Ready cycle
   * by a call (this is the loop thread, and the loop's advance waits for it), else by an event.
   */
  private void report(List<GroupEvent.AppliedChange> changes, List<Message> responses) {
    if (inline) {
      group.appliedInline(applied, appliedTerm, changes);
    } else {
      group.enqueue(new GroupEvent.Applied(applied, appliedTerm, changes, responses));
    }
  }

  /** The commands of one apply call; arrays grow as needed and are reused. */
  private static final class Batch implements ApplyBatch {
    long[] index = new long[64];
    long[] term = new long[64];
    ByteString[] data = new ByteString[64];
    Object[] results = new Object[64];
    int size;

    void add(Entry e) {
      if (size == index.length) {
        int n = size * 2;
        index = Arrays.copyOf(index, n);
        term = Arrays.copyOf(term, n);
        data = Arrays.copyOf(data, n);
        results = Arrays.copyOf(results, n);
      }
      index[size] = e.getIndex();
      term[size] = e.getTerm();
      data[size] = e.getData();
      results[size] = null;
      size++;
    }

    void clear() {
      Arrays.fill(data, 0, size, null);
      Arrays.fill(results, 0, size, null);
      size = 0;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public long index(int i) {
      return index[check(i)];
    }

    @Override
    public long term(int i) {
      return term[check(i)];
    }

    @Override
    public ByteString data(int i) {
      return data[check(i)];
    }

    @Override
    public void setResult(int i, Object result) {
      results[check(i)] = result;
    }

    private int check(int i) {
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("command " + i + " of " + size);
      }
      return i;
    }
  }

  /** Counts the bytes a restore reads, which {@link #lastSnapshotBytes} takes as its size. */
  private static final class CountingInput extends FilterInputStream {
    long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
