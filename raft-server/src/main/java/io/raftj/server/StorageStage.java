package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.SnapOutOfDateException;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.storage.DurableStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One storage executor's work: the durable appends of the groups assigned to it, group-committed.
 * Each run takes everything waiting; consecutive appends of one group become a single {@link
 * DurableStorage#save} (one fsync). Appends carrying a snapshot are saved on their own, in order.
 * Runs on its serial executor.
 *
 * <p>Once a save is durable its responses are delivered from here: the ones for other servers (a
 * follower's {@code MsgAppResp} to its leader, a vote) go straight to the transport, as etcd's
 * asynchronous storage writes allow, and only the group's own go back to its loop. A follower's
 * acknowledgement thus leaves as soon as the fsync returns, without waiting for a turn of the loop:
 * one thread hand-off fewer on the path of every write. Raft tolerates messages reordered between
 * the two senders, as it tolerates a network that reorders.
 */
final class StorageStage {

  private sealed interface Job {}

  private record Append(GroupRunner group, DurableStorage storage, Message m) implements Job {}

  private record Snap(
      GroupRunner group, DurableStorage storage, long index, ConfState confState, ByteString data)
      implements Job {}

  /** Work queued behind a group's writes; unless {@code always}, skipped once one failed. */
  private record Task(GroupRunner group, Runnable task, boolean always) implements Job {}

  private final Executor executor;
  private final StorageObserver observer;
  private final long self;
  private final GuardedTransport transport;
  private final PeerLiveness liveness;
  private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong saves = new AtomicLong();
  private final AtomicLong appends = new AtomicLong();
  private final AtomicLong entries = new AtomicLong();
  private final Runnable drain = this::drain;

  StorageStage(
      Executor executor,
      StorageObserver observer,
      long self,
      GuardedTransport transport,
      PeerLiveness liveness) {
    this.executor = executor;
    this.observer = observer;
    this.self = self;
    this.transport = transport;
    this.liveness = liveness;
  }

  void append(GroupRunner group, DurableStorage storage, Message m) {
    jobs.add(new Append(group, storage, m));
    schedule();
  }

  void snapshot(
      GroupRunner group, DurableStorage storage, long index, ConfState cs, ByteString data) {
    jobs.add(new Snap(group, storage, index, cs, data));
    schedule();
  }

  /**
   * Runs {@code task} after every job of {@code group} queued before it, if they all succeeded or
   * {@code always}.
   */
  void run(GroupRunner group, Runnable task, boolean always) {
    jobs.add(new Task(group, task, always));
    schedule();
  }

  /** Saves (each one fsync when Raft requires it), appends merged into them, entries saved. */
  long[] counters() {
    return new long[] {saves.get(), appends.get(), entries.get()};
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(drain);
    }
  }

  private void drain() {
    scheduled.set(false);
    // Per group, in arrival order; groups are independent of each other.
    Map<GroupRunner, List<Job>> byGroup = new LinkedHashMap<>();
    for (Job j; (j = jobs.poll()) != null; ) {
      byGroup.computeIfAbsent(groupOf(j), k -> new ArrayList<>()).add(j);
    }
    Merge merge = new Merge();
    for (List<Job> groupJobs : byGroup.values()) {
      boolean ok = true;
      for (int i = 0; i < groupJobs.size(); i++) {
        Job j = groupJobs.get(i);
        // After a failed write the group's other writes are dropped; its tasks (close) still run.
        if (ok || j instanceof Task t && t.always) {
          ok = run(j, merge) && ok;
        }
      }
      if (ok) {
        merge.flush();
      } else {
        merge.clear();
      }
    }
  }

  private static GroupRunner groupOf(Job j) {
    if (j instanceof Append a) {
      return a.group;
    }
    return j instanceof Snap s ? s.group : ((Task) j).group;
  }

  /** Runs one job; false once the group has failed (its remaining jobs are dropped). */
  private boolean run(Job j, Merge merge) {
    try {
      if (j instanceof Append a) {
        appends.incrementAndGet();
        if (a.m.hasSnapshot()) {
          merge.flush();
          save(
              a.group,
              a.storage,
              GroupLog.hardStateOf(a.m),
              a.m.getEntriesList(),
              a.m.getSnapshot());
          a.group.enqueue(
              new GroupEvent.Stored(
                  deliverRemote(a.group, a.m.getResponsesList()), a.m.getSnapshot()));
        } else {
          merge.add(a);
        }
      } else if (j instanceof Task t) {
        merge.flush();
        t.task.run();
      } else {
        Snap s = (Snap) j;
        merge.flush();
        try {
          s.storage.snapshot(s.index, s.confState, s.data);
        } catch (SnapOutOfDateException e) {
          // The leader's snapshot overtook ours.
        }
      }
      return true;
    } catch (IOException | RuntimeException | Error e) {
      groupOf(j).enqueue(new GroupEvent.Stop("storage failed", e));
      merge.clear();
      return false;
    }
  }

  private void save(
      GroupRunner group, DurableStorage storage, HardState hs, List<Entry> ents, Snapshot snap)
      throws IOException {
    observer.saving(group.groupId(), hs, ents, snap);
    storage.save(hs, ents, snap);
    observer.saved(group.groupId(), hs, ents, snap);
    saves.incrementAndGet();
    entries.addAndGet(ents.size());
  }

  /**
   * Sends the responses addressed to other servers, one batch per destination, and returns the
   * group's own, which its loop steps. Called once the write they answer is durable.
   */
  private List<Message> deliverRemote(GroupRunner group, List<Message> responses) {
    List<Message> local = null;
    for (int i = 0; i < responses.size(); i++) {
      Message r = responses.get(i);
      if (r.getTo() == self) {
        if (local == null) {
          local = new ArrayList<>(responses.size());
        }
        local.add(r);
      } else if (!sentWithEarlier(responses, i)) {
        send(group.groupId(), r.getTo(), responses, i);
      }
    }
    return local == null ? List.of() : local;
  }

  /** Whether a response before {@code i} has the same destination (and so took it along). */
  private boolean sentWithEarlier(List<Message> responses, int i) {
    long to = responses.get(i).getTo();
    for (int j = 0; j < i; j++) {
      if (responses.get(j).getTo() == to) {
        return true;
      }
    }
    return false;
  }

  /** Sends every response from {@code first} on that goes to {@code to}, in one batch. */
  private void send(long groupId, long to, List<Message> responses, int first) {
    List<Message> msgs = new ArrayList<>(2);
    for (int j = first; j < responses.size(); j++) {
      if (responses.get(j).getTo() == to) {
        msgs.add(responses.get(j));
      }
    }
    long[] groupIds = new long[msgs.size()];
    Arrays.fill(groupIds, groupId);
    liveness.sent(to);
    // The server's GuardedTransport never throws: an ack it fails to send is lost like a
    // message, which the leader's next append or heartbeat round recovers from, and is not a
    // storage failure (the write is durable).
    transport.send(to, new MessageBatch(self, to, groupIds, msgs, List.of()));
  }

  /** Consecutive appends of one group folded into one save. */
  private final class Merge {
    private GroupRunner group;
    private DurableStorage storage;
    private HardState hs = HardState.getDefaultInstance();
    private final List<Entry> ents = new ArrayList<>();
    private final List<Message> responses = new ArrayList<>();
    private boolean any;

    void add(Append a) {
      group = a.group;
      storage = a.storage;
      any = true;
      List<Entry> add = a.m.getEntriesList();
      if (!add.isEmpty()) {
        // A later append may overwrite the tail of an earlier one (a new leader's entries).
        long first = add.get(0).getIndex();
        if (!ents.isEmpty()) {
          long base = ents.get(0).getIndex();
          int keep = (int) Math.max(0, Math.min(ents.size(), first - base));
          ents.subList(keep, ents.size()).clear();
        }
        ents.addAll(add);
      }
      HardState h = GroupLog.hardStateOf(a.m);
      if (!h.equals(HardState.getDefaultInstance())) {
        hs = h;
      }
      responses.addAll(a.m.getResponsesList());
    }

    void flush() {
      if (!any) {
        return;
      }
      GroupRunner g = group;
      try {
        save(g, storage, hs, ents, Snapshot.getDefaultInstance());
      } catch (IOException | RuntimeException | Error e) {
        g.enqueue(new GroupEvent.Stop("storage failed", e));
        clear();
        return;
      }
      g.enqueue(new GroupEvent.Stored(deliverRemote(g, responses), null));
      clear();
    }

    void clear() {
      any = false;
      hs = HardState.getDefaultInstance();
      ents.clear();
      responses.clear();
    }
  }
}
