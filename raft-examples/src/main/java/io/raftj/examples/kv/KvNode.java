package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.Config;
import io.raftj.raft.Node;
import io.raftj.raft.Peer;
import io.raftj.raft.ReadState;
import io.raftj.raft.Ready;
import io.raftj.raft.SnapshotStatus;
import io.raftj.raft.StateType;
import io.raftj.raft.Status;
import io.raftj.raft.StoppedException;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.storage.DurableStorage;
import io.raftj.storage.DurableStorageOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the replicated key-value store: a raft {@link Node} driven by a Ready loop over
 * {@link DurableStorage}, the {@link KvStore} it applies to, and the {@link PeerTransport}.
 * Plays the role of {@code raftNode} in etcd's raftexample {@code raft.go}, with what that one
 * lacks: writes are answered only once applied (request ids matched to applied entries), reads
 * can be linearizable (ReadIndex), and membership changes carry the new member's URL.
 *
 * <p>The Ready loop, on its own thread, does for each Ready: save (hard state, entries,
 * snapshot; durable when it returns), restore a received snapshot, send the messages (a leader
 * sends them before its save, in parallel with its disk, as etcd's server does), hand out
 * read states, apply committed entries and conf changes, advance, and snapshot every
 * {@code snapshotEntries} applied entries. Client threads call {@link #put}, {@link #delete},
 * {@link #linearizableRead} and the member operations, which block up to a deadline.
 */
final class KvNode implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(KvNode.class);

  /** A request that did not complete in time; the message says what it waited for. */
  static final class RequestTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    RequestTimeoutException(String message) {
      super(message);
    }
  }

  private final ServerFlags flags;
  private final long id;
  private final DurableStorage storage;
  private final KvStore store = new KvStore();
  private final TransportStats stats = new TransportStats();
  private final Instant startTime = Instant.now();
  private final PeerTransport transport;
  private Node node;
  private ScheduledExecutorService ticker;
  private Thread readyThread;
  private volatile boolean closing;

  /* Written by the Ready loop, read by client threads. */
  private volatile ConfState confState = ConfState.getDefaultInstance();
  private volatile long appliedIndex;
  private volatile long snapshotIndex;
  private volatile long leader;
  private volatile StateType role = StateType.STATE_FOLLOWER;
  private volatile boolean removed;
  /** Set when a member was added: its first snapshot must already list it (see maybeSnapshot). */
  private boolean snapshotNow;
  private final AtomicLong snapshotsTaken = new AtomicLong();
  /** Ready-loop counters for /status: Readies handled, entries saved, time spent saving. */
  final LongAdder readies = new LongAdder();
  final LongAdder entriesSaved = new LongAdder();
  final LongAdder saveNanos = new LongAdder();
  /** Notified when the applied index or the leader changes. */
  private final Object progress = new Object();

  private final AtomicLong requestSeq = new AtomicLong(ThreadLocalRandom.current().nextLong() << 20);
  private final Map<Long, CompletableFuture<Long>> pendingWrites = new ConcurrentHashMap<>();
  private final Map<ByteString, CompletableFuture<Long>> pendingReads = new ConcurrentHashMap<>();

  private KvNode(ServerFlags flags, DurableStorage storage) throws IOException {
    this.flags = flags;
    this.id = flags.id();
    this.storage = storage;
    Snapshot snap = storage.snapshotAtOpen();
    if (!Util.isEmptySnap(snap)) {
      store.restore(snap.getData());
      confState = snap.getMetadata().getConfState();
      appliedIndex = snap.getMetadata().getIndex();
      snapshotIndex = appliedIndex;
    }
    this.transport = new PeerTransport(id, flags.peers().get(id).address(), this::receive,
        new PeerTransport.Reporter() {
          @Override
          public void reportUnreachable(long peer) {
            Node n = node;
            if (n != null && !closing) {
              n.reportUnreachable(peer);
            }
          }

          @Override
          public void reportSnapshot(long peer, SnapshotStatus status) {
            Node n = node;
            if (n != null && !closing) {
              n.reportSnapshot(peer, status);
            }
          }
        }, stats);
  }

  /**
   * Opens the data directory (recovering what it holds) and binds the peer port.
   *
   * @throws IOException if the directory is unreadable, locked or corrupted, or the port is taken
   */
  static KvNode open(ServerFlags flags) throws IOException {
    DurableStorage storage = DurableStorage.open(flags.dataDir(),
        DurableStorageOptions.DEFAULT.withSnapshotCatchUpEntries(flags.catchUpEntries()));
    try {
      return new KvNode(flags, storage);
    } catch (IOException | RuntimeException e) {
      try {
        storage.close();
      } catch (IOException ce) {
        e.addSuppressed(ce);
      }
      throw e;
    }
  }

  /** Starts raft, the Ready loop, the ticker and the transport. */
  void start() {
    Config c = new Config()
        .setId(id)
        .setElectionTick(flags.electionTicks())
        .setHeartbeatTick(1)
        .setStorage(storage.memoryStorage())
        .setApplied(appliedIndex)
        .setMaxSizePerMsg(1 << 20)
        .setMaxInflightMsgs(256)
        .setMaxUncommittedEntriesSize(1 << 30)
        .setCheckQuorum(true)
        .setPreVote(true);
    boolean restart = storage.isRestart();
    if (restart || flags.join()) {
      LOG.info("{} node {} from {} (applied {}, commit {})", restart ? "restarting" : "joining as",
          id, flags.dataDir(), appliedIndex, storage.replayTargetIndex());
      node = Node.restart(c);
    } else {
      List<Peer> peers = new ArrayList<>();
      for (Map.Entry<Long, PeerUrl> p : flags.peers().entrySet()) {
        peers.add(new Peer(p.getKey(), ByteString.copyFromUtf8(p.getValue().text())));
      }
      LOG.info("starting node {} of a new cluster of {}", id, peers.size());
      node = Node.start(c, peers);
    }
    for (Map.Entry<Long, PeerUrl> p : flags.peers().entrySet()) {
      transport.setPeer(p.getKey(), p.getValue());
    }
    for (Map.Entry<Long, String> m : store.members().entrySet()) {
      setPeerQuietly(m.getKey(), m.getValue());
    }
    transport.start();
    readyThread = new Thread(this::readyLoop, "kv-ready");
    readyThread.start();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kv-tick");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(node::tick, flags.tickMs(), flags.tickMs(), TimeUnit.MILLISECONDS);
  }

  private void receive(Message m) {
    Node n = node;
    if (n != null && !closing) {
      n.step(m);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The Ready loop.

  private void readyLoop() {
    try {
      while (!closing) {
        Ready rd = node.ready();
        processReady(rd);
        node.advance();
        maybeSnapshot();
      }
    } catch (StoppedException | InterruptedException e) {
      // closing
    } catch (Throwable t) {
      if (closing) {
        return;
      }
      // What reached the disk is unknown (etcd panics here): stop rather than serve wrong data.
      LOG.error("node {} failed in its Ready loop; exiting", id, t);
      Runtime.getRuntime().halt(1);
    }
  }

  private void processReady(Ready rd) throws IOException, InterruptedException, ExecutionException {
    if (rd.softState() != null) {
      role = rd.softState().raftState();
      if (leader != rd.softState().lead()) {
        leader = rd.softState().lead();
        notifyProgress();
      }
    }
    // A leader sends its appends while it writes them to its own disk (Raft thesis §10.2.1, as
    // etcd's server does): its own acknowledgement still waits for the save and advance, so
    // nothing commits before a quorum has it on disk. Anyone else sends only after the save,
    // because its messages (votes, append responses) vouch for what the save makes durable.
    boolean leaderNow = role == StateType.STATE_LEADER;
    if (leaderNow) {
      transport.send(rd.messages());
    }
    long t0 = System.nanoTime();
    storage.save(rd.hardState(), rd.entries(), rd.snapshot());
    saveNanos.add(System.nanoTime() - t0);
    readies.increment();
    entriesSaved.add(rd.entries().size());
    if (!Util.isEmptySnap(rd.snapshot())) {
      applySnapshot(rd.snapshot());
    }
    if (!leaderNow) {
      transport.send(rd.messages());
    }
    for (ReadState rs : rd.readStates()) {
      CompletableFuture<Long> f = pendingReads.remove(rs.requestCtx());
      if (f != null) {
        f.complete(rs.index());
      }
    }
    if (!rd.committedEntries().isEmpty()) {
      applyEntries(rd.committedEntries());
    }
  }

  private void applySnapshot(Snapshot snap) {
    long index = snap.getMetadata().getIndex();
    if (index <= appliedIndex) {
      return;
    }
    store.restore(snap.getData());
    confState = snap.getMetadata().getConfState();
    for (Map.Entry<Long, String> m : store.members().entrySet()) {
      setPeerQuietly(m.getKey(), m.getValue());
    }
    appliedIndex = index;
    snapshotIndex = index;
    LOG.info("node {} restored the state machine from a snapshot at index {} ({} keys)", id, index, store.size());
    notifyProgress();
  }

  private void applyEntries(List<Entry> entries)
      throws InvalidProtocolBufferException, InterruptedException, ExecutionException {
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.getIndex() <= appliedIndex) {
        continue;
      }
      switch (e.getType()) {
        case EntryNormal -> {
          if (!e.getData().isEmpty()) {
            KvCommand cmd = KvCommand.decode(e.getData());
            store.apply(cmd);
            complete(cmd.requestId(), e.getIndex());
          }
        }
        case EntryConfChange -> {
          ConfChange cc = ConfChange.parseFrom(e.getData());
          applyConfChange(ConfChangeI.of(cc), cc.getContext());
          complete(cc.getId(), e.getIndex());
        }
        case EntryConfChangeV2 -> {
          ConfChangeV2 cc = ConfChangeV2.parseFrom(e.getData());
          applyConfChange(ConfChangeI.of(cc), cc.getContext());
        }
        default -> LOG.warn("skipping entry {} of unknown type {}", e.getIndex(), e.getType());
      }
      appliedIndex = e.getIndex();
    }
    notifyProgress();
  }

  private void applyConfChange(ConfChangeI cc, ByteString context)
      throws InterruptedException, ExecutionException {
    confState = node.applyConfChange(cc).get();
    for (ConfChangeSingle s : cc.asV2().getChangesList()) {
      long nodeId = s.getNodeId();
      if (s.getType() == ConfChangeType.ConfChangeAddNode
          || s.getType() == ConfChangeType.ConfChangeAddLearnerNode) {
        snapshotNow = true;
        if (!context.isEmpty()) {
          store.putMember(nodeId, context.toStringUtf8());
          setPeerQuietly(nodeId, context.toStringUtf8());
        }
      } else if (s.getType() == ConfChangeType.ConfChangeRemoveNode) {
        store.removeMember(nodeId);
        transport.removePeer(nodeId);
        if (nodeId == id) {
          removed = true;
          LOG.warn("node {} was removed from the cluster; it no longer takes part", id);
        }
      }
    }
    LOG.info("node {} applied conf change {}; voters {} learners {}", id, cc.asV2().getChangesList(),
        confState.getVotersList(), confState.getLearnersList());
  }

  private void setPeerQuietly(long peer, String url) {
    try {
      transport.setPeer(peer, PeerUrl.parse(url));
    } catch (IllegalArgumentException e) {
      LOG.warn("member {} has an unusable peer URL: {}", peer, e.getMessage());
    }
  }

  private void complete(long requestId, long index) {
    CompletableFuture<Long> f = pendingWrites.remove(requestId);
    if (f != null) {
      f.complete(index);
    }
  }

  /**
   * Snapshots every {@code snapshotEntries} applied entries, and right after a member was added:
   * Raft catches a new member up with the storage's snapshot, and the new member ignores one
   * whose configuration does not contain it ("attempted to restore snapshot but it is not in the
   * ConfState"), so an older snapshot would be sent to it again and again.
   */
  private void maybeSnapshot() throws IOException {
    long applied = appliedIndex;
    boolean due = applied - snapshotIndex >= flags.snapshotEntries()
        || (snapshotNow && applied > snapshotIndex);
    snapshotNow = false;
    if (!due) {
      return;
    }
    storage.snapshot(applied, confState, store.snapshot());
    snapshotIndex = applied;
    snapshotsTaken.incrementAndGet();
    LOG.info("node {} took a snapshot at index {} and compacted its log", id, applied);
  }

  private void notifyProgress() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What client threads call.

  /** Puts a key; returns the index it was applied at. */
  long put(String key, ByteString value) throws RequestTimeoutException, InterruptedException {
    long rid = requestSeq.incrementAndGet();
    CompletableFuture<Long> applied = register(rid);
    return await(rid, applied, node.propose(KvCommand.put(rid, key, value).encode()), "write");
  }

  /** Deletes a key; returns the index it was applied at. */
  long delete(String key) throws RequestTimeoutException, InterruptedException {
    long rid = requestSeq.incrementAndGet();
    CompletableFuture<Long> applied = register(rid);
    return await(rid, applied, node.propose(KvCommand.delete(rid, key).encode()), "delete");
  }

  /** Proposes a membership change (its context is the member's URL) and waits until it is applied here. */
  long changeMembership(ConfChangeType type, long nodeId, String url)
      throws RequestTimeoutException, InterruptedException {
    long rid = requestSeq.incrementAndGet();
    ConfChange.Builder cc = ConfChange.newBuilder().setId(rid).setType(type).setNodeId(nodeId);
    if (url != null) {
      cc.setContext(ByteString.copyFromUtf8(url));
    }
    CompletableFuture<Long> applied = register(rid);
    return await(rid, applied, node.proposeConfChange(ConfChangeI.of(cc.build())), "membership change");
  }

  private CompletableFuture<Long> register(long rid) {
    CompletableFuture<Long> applied = new CompletableFuture<>();
    pendingWrites.put(rid, applied);
    return applied;
  }

  private long await(long rid, CompletableFuture<Long> applied, CompletableFuture<Void> stepped, String what)
      throws RequestTimeoutException, InterruptedException {
    stepped.whenComplete((v, ex) -> {
      if (ex != null) {
        pendingWrites.remove(rid);
        applied.completeExceptionally(ex);
      }
    });
    try {
      return applied.get(flags.requestTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pendingWrites.remove(rid);
      stepped.cancel(false);
      throw new RequestTimeoutException("timed out after " + flags.requestTimeoutMs()
          + " ms waiting for the " + what + " to be committed and applied (leader "
          + Long.toUnsignedString(leader) + "; no leader or no quorum?); it may still be applied later");
    } catch (ExecutionException e) {
      throw new RequestTimeoutException("the " + what + " was not accepted: " + describe(e.getCause()));
    }
  }

  /**
   * Waits until a read here is linearizable: confirms the commit index with the leader
   * (ReadIndex, forwarded by a follower) and waits until it is applied.
   */
  void linearizableRead() throws RequestTimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flags.requestTimeoutMs());
    // Raft drops a read-index request silently when there is no leader or leadership moves, so
    // one that gets no answer is asked again, until the deadline.
    long retryNanos = TimeUnit.MILLISECONDS.toNanos(
        Math.max(100L, (long) flags.tickMs() * flags.electionTicks()));
    while (true) {
      ByteString ctx = ByteString.copyFrom(
          ByteBuffer.allocate(8).putLong(requestSeq.incrementAndGet()).array());
      CompletableFuture<Long> f = new CompletableFuture<>();
      pendingReads.put(ctx, f);
      node.readIndex(ctx).whenComplete((v, ex) -> {
        if (ex != null) {
          pendingReads.remove(ctx);
          f.completeExceptionally(ex);
        }
      });
      long left = deadline - System.nanoTime();
      try {
        long index = f.get(Math.min(left, retryNanos), TimeUnit.NANOSECONDS);
        awaitApplied(index, deadline);
        return;
      } catch (TimeoutException e) {
        pendingReads.remove(ctx);
        if (System.nanoTime() - deadline >= 0) {
          throw new RequestTimeoutException("timed out after " + flags.requestTimeoutMs()
              + " ms waiting for the leader to confirm the read index (leader "
              + Long.toUnsignedString(leader) + "; no leader or no quorum?)");
        }
      } catch (ExecutionException e) {
        throw new RequestTimeoutException("the read was not accepted: " + describe(e.getCause()));
      }
    }
  }

  private void awaitApplied(long index, long deadline) throws RequestTimeoutException, InterruptedException {
    synchronized (progress) {
      while (appliedIndex < index) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new RequestTimeoutException("timed out waiting for index " + index
              + " to be applied (applied " + appliedIndex + ")");
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
  }

  /** Asks the leader to hand leadership to {@code transferee} and waits until it has. */
  void transferLeadership(long transferee) throws RequestTimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flags.requestTimeoutMs());
    node.transferLeadership(leader, transferee);
    synchronized (progress) {
      while (leader != transferee) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new RequestTimeoutException("timed out after " + flags.requestTimeoutMs()
              + " ms waiting for node " + Long.toUnsignedString(transferee)
              + " to become leader (leader is " + Long.toUnsignedString(leader) + ")");
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
  }

  /** Raft's status of this node. */
  Status status() throws RequestTimeoutException, InterruptedException {
    try {
      return node.status().get(flags.requestTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new RequestTimeoutException("could not get the node's status: " + describe(e));
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  KvStore store() {
    return store;
  }

  long id() {
    return id;
  }

  long leader() {
    return leader;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  long snapshotIndex() {
    return snapshotIndex;
  }

  long snapshotsTaken() {
    return snapshotsTaken.get();
  }

  boolean removed() {
    return removed;
  }

  ConfState confState() {
    return confState;
  }

  Instant startTime() {
    return startTime;
  }

  TransportStats stats() {
    return stats;
  }

  ServerFlags flags() {
    return flags;
  }

  /** Stops raft and the transport and closes the data directory. */
  @Override
  public void close() throws IOException {
    closing = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    if (node != null) {
      node.stop();
    }
    if (readyThread != null) {
      try {
        readyThread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      transport.close();
    } finally {
      storage.close();
    }
  }
}
