package io.raftj.server;

import io.raftj.raft.Config;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.ReadOnlyOption;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.storage.DurableStorage;
import io.raftj.storage.DurableStorageOptions;
import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts any number of Raft groups in one process: a fixed pool of loop threads runs them (each
 * group on one thread at a time, so the Raft path takes no locks), one timer ticks them in batches,
 * one {@link Transport} carries all their traffic, a storage executor group-commits their writes
 * and apply executors drive their {@link StateMachine}s. Thread-safe.
 * <!-- snippet: raft-server/src/test/java/io/raftj/server/QuickStartTest.java -->
 *
 * <pre>{@code
 * RaftServer server = RaftServer.builder(id, network.transport(id)).build();
 * RaftGroup group = server.createGroup(GroupOptions.of(42, 1, 2, 3), new Counter());
 * // ...
 * Applied applied = leader.propose(ByteString.copyFromUtf8("5")).get();
 * }</pre>
 *
 * <p>The server's ID is its members' Raft node ID in every group it hosts, and the address the
 * transport delivers to. See docs/server.md for threads, the pipeline and failure semantics.
 */
public final class RaftServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RaftServer.class);

  /** The default of {@link Builder#logMemoryBudget}: 64 MiB. */
  public static final long DEFAULT_LOG_MEMORY_BUDGET = 64L << 20;

  private final long serverId;
  private final GuardedTransport transport;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Path dataDir;
  private final WalFs fs;
  private final StorageObserver storageObserver;
  private final SplittableRandom random;
  private final long tickNanos;
  private final boolean quiesce;
  private final long walSegmentBytes;
  private final LoopWorker[] workers;
  private final Executor[] applyExecutors;
  private final StorageStage[] storageStages;
  private final Executor snapshotExecutor;
  private final Executor eventExecutor;
  private final PeerLiveness liveness;
  private final LogMemory logMemory;
  private final ConcurrentHashMap<Long, GroupRunner> groups = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<GroupRunner, CompletableFuture<Void>> closing =
      new ConcurrentHashMap<>();
  private final AtomicLong unknownGroupMessages = new AtomicLong();
  private final Object tickLock = new Object();
  private Scheduler.Cancellable ticker;
  private long nextTickAt;
  private int nextApply;
  private volatile boolean closed;

  private RaftServer(Builder b) {
    this.serverId = b.serverId;
    this.transport = new GuardedTransport(b.serverId, b.transport);
    this.ownsScheduler = b.scheduler == null;
    this.scheduler =
        ownsScheduler
            ? new ThreadScheduler("raft-" + Long.toHexString(b.serverId), b.spinNanos)
            : b.scheduler;
    this.dataDir = b.dataDir;
    this.fs = b.fs;
    this.storageObserver = b.storageObserver;
    this.random = new SplittableRandom(b.seed);
    this.tickNanos = b.tickInterval.toNanos();
    this.quiesce = b.quiesce;
    this.walSegmentBytes = b.walSegmentBytes;
    this.liveness = new PeerLiveness(scheduler);
    this.logMemory = new LogMemory(b.logMemoryBudget);
    this.workers = new LoopWorker[b.loopThreads];
    for (int i = 0; i < workers.length; i++) {
      workers[i] =
          new LoopWorker(serverId, scheduler.newExecutor("loop-" + i), transport, liveness);
    }
    this.applyExecutors = new Executor[b.applyThreads];
    for (int i = 0; i < applyExecutors.length; i++) {
      applyExecutors[i] = scheduler.newExecutor("apply-" + i);
    }
    this.storageStages = new StorageStage[dataDir == null ? 0 : b.storageThreads];
    for (int i = 0; i < storageStages.length; i++) {
      storageStages[i] =
          new StorageStage(
              scheduler.newExecutor("storage-" + i),
              b.storageObserver,
              serverId,
              transport,
              liveness);
    }
    this.snapshotExecutor = scheduler.newExecutor("snapshot");
    this.eventExecutor = scheduler.newExecutor("events");
    transport.start(serverId, new InboundImpl());
    synchronized (tickLock) {
      nextTickAt = scheduler.nanoTime() + tickNanos;
      ticker = scheduler.schedule(this::tick, tickNanos);
    }
  }

  /**
   * Starts building the server {@code serverId} (non-zero) that talks through {@code transport}.
   */
  public static Builder builder(long serverId, Transport transport) {
    return new Builder(serverId, transport);
  }

  /** This server's ID. */
  public long serverId() {
    return serverId;
  }

  /**
   * Creates the member of group {@code options.groupId()} on this server. With a data directory, a
   * group that ran here before restarts from {@code <dataDir>/groups/<id>} (its state machine
   * restored from the newest snapshot, then the committed log replayed into it); otherwise it
   * starts fresh: bootstrapped with {@code options.members()}, or empty when joining.
   *
   * @throws IllegalStateException if the server is closed or already hosts the group
   * @throws IOException if the data directory cannot be opened or recovered
   */
  public RaftGroup createGroup(GroupOptions options, StateMachine sm) throws IOException {
    Objects.requireNonNull(sm, "state machine");
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("server " + Long.toUnsignedString(serverId) + " is closed");
      }
      if (groups.containsKey(options.groupId())) {
        throw new IllegalStateException(
            "group " + Long.toUnsignedString(options.groupId()) + " is already on this server");
      }
      if (!options.join()
          && !options.members().contains(serverId)
          && !storedGroups().contains(options.groupId())) {
        throw new IllegalArgumentException(
            "server "
                + Long.toUnsignedString(serverId)
                + " is not among the members "
                + options.members()
                + " of a new group; join instead");
      }
      LoopWorker worker = workers[0];
      for (LoopWorker w : workers) {
        if (w.size() < worker.size()) {
          worker = w;
        }
      }
      Executor applyExecutor =
          options.applyOnLoopThread()
              ? worker.executor()
              : applyExecutors[nextApply++ % applyExecutors.length];
      GroupRunner runner = new GroupRunner(this, options, worker);
      GroupLog log;
      SnapshotStore store;
      if (dataDir == null) {
        log = new MemoryLog(options.groupId(), storageObserver);
        store = new MemorySnapshotStore();
      } else {
        Path dir = groupDir(options.groupId());
        fs.createDirectoriesDurably(dir.resolve("sm"));
        DurableStorage ds =
            DurableStorage.open(
                dir.resolve("raft"),
                DurableStorageOptions.DEFAULT
                    .withFs(fs)
                    .withWalSegmentSizeBytes(walSegmentBytes)
                    .withSnapshotCatchUpEntries(options.snapshotCatchUpEntries()));
        storageObserver.opened(options.groupId(), ds.hardStateAtOpen(), ds.memoryStorage());
        StorageStage stage =
            storageStages[(int) Long.remainderUnsigned(options.groupId(), storageStages.length)];
        log = new DurableLog(ds, stage, runner);
        store = new FileSnapshotStore(fs, dir.resolve("sm"));
      }
      try {
        runner.start(
            log,
            store,
            (g, snap) -> {
              Applier a =
                  new Applier(
                      g,
                      sm,
                      applyExecutor,
                      snapshotExecutor,
                      store,
                      options,
                      snap.getMetadata().getIndex(),
                      snap.getMetadata().getTerm());
              if (snap.getMetadata().getIndex() > 0) {
                a.restore(snap);
              }
              return a;
            });
      } catch (IOException | RuntimeException e) {
        log.close();
        throw e;
      }
      groups.put(options.groupId(), runner);
      worker.add(runner);
      return runner.handle();
    }
  }

  /** The group's member on this server, or null. */
  public RaftGroup group(long groupId) {
    GroupRunner g = groups.get(groupId);
    return g == null ? null : g.handle();
  }

  /** The IDs of the groups that have a directory under the data directory (none in memory). */
  public List<Long> storedGroups() throws IOException {
    List<Long> ids = new ArrayList<>();
    if (dataDir == null || !fs.exists(dataDir.resolve("groups"))) {
      return ids;
    }
    for (String name : fs.list(dataDir.resolve("groups"))) {
      try {
        ids.add(Long.parseUnsignedLong(name, 16));
      } catch (NumberFormatException e) {
        // not a group directory
      }
    }
    return ids;
  }

  /**
   * Counters: {@code saves} (storage writes, one fsync each when Raft requires it), {@code appends}
   * (MsgStorageAppend messages they carried), {@code entries} (entries saved), {@code
   * unknownGroupMessages} (messages for groups not on this server), {@code logMemoryBytes} and
   * {@code earlySnapshots} (the log memory budget), {@code sendFailures} (sends the transport threw
   * on; each batch lost).
   */
  public java.util.Map<String, Long> metrics() {
    long saves = 0;
    long appends = 0;
    long entries = 0;
    for (StorageStage s : storageStages) {
      long[] c = s.counters();
      saves += c[0];
      appends += c[1];
      entries += c[2];
    }
    return java.util.Map.of(
        "saves",
        saves,
        "appends",
        appends,
        "entries",
        entries,
        "unknownGroupMessages",
        unknownGroupMessages.get(),
        "logMemoryBytes",
        logMemory.heldBytes(),
        "earlySnapshots",
        logMemory.earlySnapshots(),
        "sendFailures",
        transport.failures());
  }

  /**
   * Stops every group (pending operations fail with {@link GroupStoppedException}) and closes their
   * logs. The future completes when all are closed; with a {@link ManualScheduler}, run it until
   * then.
   */
  public CompletableFuture<Void> closeAsync() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      synchronized (tickLock) {
        if (ticker != null) {
          ticker.cancel();
          ticker = null;
        }
      }
      for (GroupRunner g : groups.values()) {
        all.add(closeGroup(g));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, e) -> {
              transport.close();
              if (ownsScheduler) {
                ((ThreadScheduler) scheduler).close();
              }
            });
  }

  /**
   * {@link #closeAsync()} and waits up to 30 seconds for it; on a {@link ManualScheduler}, runs the
   * scheduler until then instead.
   */
  @Override
  public void close() {
    CompletableFuture<Void> f = closeAsync();
    if (scheduler instanceof ManualScheduler m) {
      m.runUntil(f::isDone, tickNanos, 300 * tickNanos);
      return;
    }
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("server {} did not close cleanly", Long.toUnsignedString(serverId), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // for the groups

  Scheduler scheduler() {
    return scheduler;
  }

  Transport transport() {
    return transport;
  }

  PeerLiveness liveness() {
    return liveness;
  }

  LogMemory logMemory() {
    return logMemory;
  }

  long tickNanos() {
    return tickNanos;
  }

  boolean quiesce() {
    return quiesce;
  }

  /**
   * The Raft configuration of a group member; {@code asyncStorageWrites} is false for a group that
   * drives the synchronous Ready/advance cycle.
   */
  Config raftConfig(
      GroupOptions o, MemoryStorage storage, long applied, boolean asyncStorageWrites) {
    return new Config()
        .setId(serverId)
        .setElectionTick(o.electionTicks())
        .setHeartbeatTick(o.heartbeatTicks())
        .setStorage(storage)
        .setApplied(applied)
        .setAsyncStorageWrites(asyncStorageWrites)
        .setMaxSizePerMsg(o.maxSizePerMsg())
        .setMaxInflightMsgs(o.maxInflightMsgs())
        .setCheckQuorum(true)
        .setPreVote(true)
        .setReadOnlyOption(
            o.leaseReads() ? ReadOnlyOption.READ_ONLY_LEASE_BASED : ReadOnlyOption.READ_ONLY_SAFE)
        .setDisableProposalForwarding(true)
        .setStepDownOnRemoval(true)
        .setRandom(newRandom());
  }

  private synchronized SplittableRandom newRandom() {
    return random.split();
  }

  void leaderChanged(RaftGroup group, long leader, long term) {
    if (group.listeners().isEmpty()) {
      return;
    }
    for (LeaderListener l : group.listeners()) {
      tellListener(l, group.groupId(), leader, term);
    }
  }

  /** Tells one listener of a leader, on the event executor. */
  void tellListener(LeaderListener l, long groupId, long leader, long term) {
    eventExecutor.execute(
        () -> {
          try {
            l.leaderChanged(groupId, leader, term);
          } catch (RuntimeException | Error e) {
            LOG.warn("leader listener failed", e);
          }
        });
  }

  CompletableFuture<Void> closeGroup(GroupRunner g) {
    CompletableFuture<Void> f = closing.computeIfAbsent(g, k -> new CompletableFuture<>());
    g.enqueue(new GroupEvent.Stop("closed", null));
    return f;
  }

  /** Called by a group's loop once it stopped: forget it and close its log in order. */
  void groupStopped(GroupRunner g, GroupLog log) {
    groups.remove(g.groupId(), g);
    CompletableFuture<Void> f = closing.computeIfAbsent(g, k -> new CompletableFuture<>());
    Runnable close =
        () -> {
          try {
            log.close();
            f.complete(null);
          } catch (IOException | RuntimeException e) {
            f.completeExceptionally(e);
          } finally {
            closing.remove(g);
          }
        };
    if (log instanceof DurableLog) {
      storageStages[(int) Long.remainderUnsigned(g.groupId(), storageStages.length)].run(
          g, close, true);
    } else {
      close.run();
    }
    for (LoopWorker w : workers) {
      w.removeIfPresent(g);
    }
  }

  private Path groupDir(long groupId) {
    return dataDir.resolve("groups").resolve(String.format("%016x", groupId));
  }

  private void tick() {
    synchronized (tickLock) {
      if (ticker == null) {
        return;
      }
      for (LoopWorker w : workers) {
        w.requestTick();
      }
      // Peers this server sent nothing to in the last tick hear an empty batch: it is alive.
      liveness.forEachIdle(
          tickNanos,
          peer -> {
            liveness.sent(peer);
            // never throws (GuardedTransport): a beat it cannot send must not end the ticks
            transport.send(
                peer, new MessageBatch(serverId, peer, new long[0], List.of(), List.of()));
          });
      nextTickAt += tickNanos;
      long delay = Math.max(0, nextTickAt - scheduler.nanoTime());
      ticker = scheduler.schedule(this::tick, delay);
    }
  }

  /** What the transport delivers to. */
  private final class InboundImpl implements Transport.Inbound {
    @Override
    public void receive(MessageBatch batch) {
      long from = batch.from();
      liveness.heard(from);
      List<Message> msgs = batch.messages();
      long[] ids = batch.groupIds();
      for (int i = 0; i < msgs.size(); i++) {
        GroupRunner g = groups.get(ids[i]);
        if (g == null) {
          unknownGroupMessages.incrementAndGet();
        } else {
          g.enqueue(msgs.get(i));
        }
      }
      List<Transport.Heartbeat> hbs = batch.heartbeats();
      for (int i = 0; i < hbs.size(); i++) {
        Transport.Heartbeat hb = hbs.get(i);
        GroupRunner g = groups.get(hb.groupId());
        if (g == null) {
          unknownGroupMessages.incrementAndGet();
        } else if (hb.kind() == Transport.HeartbeatKind.QUIESCE) {
          g.enqueue(new GroupEvent.Quiesce(from, hb.term(), hb.commit()));
        } else {
          g.enqueue(Outbox.expand(from, serverId, hb));
        }
      }
    }

    @Override
    public Transport.SnapshotSink receiveSnapshot(long from, long groupId, Message m)
        throws IOException {
      GroupRunner g = groups.get(groupId);
      if (g == null) {
        throw new IOException(
            "group "
                + Long.toUnsignedString(groupId)
                + " is not on server "
                + Long.toUnsignedString(serverId));
      }
      Snapshot snap = m.getSnapshot();
      SnapshotStore.Pending pending =
          g.store().create(snap.getMetadata().getTerm(), snap.getMetadata().getIndex());
      return new Transport.SnapshotSink() {
        private final byte[] buf = new byte[8192];

        @Override
        public void write(ByteBuffer chunk) throws IOException {
          while (chunk.hasRemaining()) {
            int n = Math.min(buf.length, chunk.remaining());
            chunk.get(buf, 0, n);
            pending.out().write(buf, 0, n);
          }
        }

        @Override
        public void finish() throws IOException {
          pending.commit();
          g.enqueue(m);
        }

        @Override
        public void abort(Throwable cause) {
          pending.abort();
        }
      };
    }

    @Override
    public void unreachable(long server) {
      for (GroupRunner g : groups.values()) {
        GroupStatus s = g.status();
        if (s != null
            && s.isLeader()
            && (s.voters().contains(server) || s.learners().contains(server))) {
          g.enqueue(new GroupEvent.Unreachable(server));
        }
      }
    }
  }

  /** Settings of a {@link RaftServer}; defaults in each setter's comment. */
  public static final class Builder {
    private final long serverId;
    private final Transport transport;
    private Scheduler scheduler;
    private Path dataDir;
    private WalFs fs = WalFs.nio();
    private StorageObserver storageObserver = StorageObserver.NONE;
    private long seed = System.nanoTime();
    private Duration tickInterval = Duration.ofMillis(100);
    private boolean quiesce = true;
    private int loopThreads = Runtime.getRuntime().availableProcessors();
    private int applyThreads = Runtime.getRuntime().availableProcessors();
    private int storageThreads = 1;
    private long spinNanos;
    private long walSegmentBytes = DurableStorageOptions.DEFAULT.walSegmentSizeBytes();
    private long logMemoryBudget = DEFAULT_LOG_MEMORY_BUDGET;

    private Builder(long serverId, Transport transport) {
      if (serverId == 0) {
        throw new IllegalArgumentException("server ID must not be 0");
      }
      this.serverId = serverId;
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Where groups keep their logs and snapshots; none (the default) keeps them in memory. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** The file system the data directory is on (default: the real one). */
    public Builder fs(WalFs fs) {
      this.fs = Objects.requireNonNull(fs, "fs");
      return this;
    }

    /**
     * Watches every group's Raft storage, durable or on the heap (default: nothing); see {@link
     * StorageObserver}.
     */
    public Builder storageObserver(StorageObserver observer) {
      this.storageObserver = Objects.requireNonNull(observer, "storage observer");
      return this;
    }

    /**
     * The clock, timer and executors (default: a {@link ThreadScheduler} the server owns and
     * closes). An injected scheduler is the caller's to close.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Seeds every group's randomized election timeout (default: the clock). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The length of one Raft tick (default 100 ms, etcd's heartbeat interval). */
    public Builder tickInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("tick interval must be positive: " + interval);
      }
      this.tickInterval = interval;
      return this;
    }

    /** Whether idle groups stop ticking and heartbeating (default true). */
    public Builder quiesce(boolean quiesce) {
      this.quiesce = quiesce;
      return this;
    }

    /** Loop threads (default: the number of cores). */
    public Builder loopThreads(int n) {
      this.loopThreads = positive(n, "loop threads");
      return this;
    }

    /** Apply executors (default: the number of cores). */
    public Builder applyThreads(int n) {
      this.applyThreads = positive(n, "apply threads");
      return this;
    }

    /** Storage executors, each group-committing its groups' writes (default 1). */
    public Builder storageThreads(int n) {
      this.storageThreads = positive(n, "storage threads");
      return this;
    }

    /**
     * How long an idle thread of the server's own scheduler polls for its next task before parking,
     * yielding its core between polls (default 0: parks at once).
     */
    public Builder spinNanos(long nanos) {
      if (nanos < 0) {
        throw new IllegalArgumentException("spin must not be negative");
      }
      this.spinNanos = nanos;
      return this;
    }

    /** The size of each group's WAL segment files (default 64 MiB, etcd's). */
    public Builder walSegmentBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("WAL segments must be at least 1 KiB: " + bytes);
      }
      this.walSegmentBytes = bytes;
      return this;
    }

    /**
     * The heap all groups' Raft logs may hold together, in bytes (default {@value
     * #DEFAULT_LOG_MEMORY_BUDGET}, 64 MiB; 0: no budget). Over it, a group whose log holds more
     * than its share (the budget divided by the groups) takes a snapshot before its own policy
     * would, and a group whose log is in memory keeps fewer entries behind the snapshot. Each
     * group's snapshot policy is sized for one group; this keeps a server with many busy groups
     * from holding many such logs, whose entries outlive young collections. See docs/server.md.
     */
    public Builder logMemoryBudget(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("log memory budget must not be negative: " + bytes);
      }
      this.logMemoryBudget = bytes;
      return this;
    }

    /** Starts the server and its transport. */
    public RaftServer build() {
      return new RaftServer(this);
    }

    private static int positive(int n, String what) {
      if (n <= 0) {
        throw new IllegalArgumentException(what + " must be positive: " + n);
      }
      return n;
    }
  }
}
