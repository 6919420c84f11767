package io.raftj.simulation;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.Peer;
import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.server.GroupOptions;
import io.raftj.server.GroupStatus;
import io.raftj.server.ManualScheduler;
import io.raftj.server.MessageBatch;
import io.raftj.server.RaftGroup;
import io.raftj.server.RaftServer;
import io.raftj.server.ReadPolicy;
import io.raftj.server.StorageObserver;
import io.raftj.server.Transport;
import io.raftj.wal.CrashFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A {@link Member} made of a real {@link RaftServer} hosting one group, with its data directory on
 * a {@link CrashFs}: asynchronous storage writes on its storage executor, the state machine on its
 * apply executor, snapshots streamed through its transport. Everything the server would take from
 * the machine is injected: its own {@link ManualScheduler} (the world's ticks move its clock, so a
 * clock jump moves only this member's; the seed interleaves its executors), the seed of its random
 * source, the file system, and a transport that hands each batch to the world's {@link SimNetwork}
 * as Raft messages. A {@link StorageObserver} reports each write to the checkers, after it
 * returned. Confined to the world's thread.
 *
 * <p>{@link #memoryFactory()} makes members without a data directory instead: the log on the heap,
 * the state machine on the loop thread, so RawNode's synchronous Ready cycle; the observer then
 * sees each write as it is made on the loop, and such worlds have no crashes.
 *
 * <p>{@link #process()} runs the server's pending tasks, but now and then stops after a few of
 * them, so work handed to the storage executor may still wait when the next crash comes: a crash
 * between an append and its fsync, before any acknowledgement left.
 */
public final class ServerMember implements Member {

  /** The group every member hosts. */
  static final long GROUP = 1;

  /** One tick of the server's clock (its tick interval). */
  static final long TICK = Duration.ofMillis(100).toNanos();

  // Transport batches without a Raft message of their own travel as marked heartbeats.
  private static final ByteString ALIVE = ByteString.copyFromUtf8("raft-sim:alive");
  private static final ByteString QUIESCE = ByteString.copyFromUtf8("raft-sim:quiesce");

  /** Snapshot bytes in flight, by their {@code MsgSnap}: shared by the members of one world. */
  static final class Courier {
    private final Map<Message, byte[]> bytes = new HashMap<>();
  }

  /** A factory whose members share one {@link Courier}; make one per world. */
  public static MemberFactory factory() {
    return factory(false);
  }

  /**
   * A factory of members without a data directory, their state machine on the loop thread: the
   * synchronous Ready cycle, whose log lives on the heap, so these worlds have no crashes.
   */
  public static MemberFactory memoryFactory() {
    return factory(true);
  }

  private static MemberFactory factory(boolean memory) {
    Courier courier = new Courier();
    return new MemberFactory() {
      @Override
      public Member create(
          long id, List<Peer> bootstrap, Scenario sc, MemberListener l, long seed) {
        return new ServerMember(id, bootstrap, sc, l, seed, courier, memory);
      }

      @Override
      public boolean survivesCrashes() {
        return !memory;
      }

      @Override
      public boolean appliesEveryEntry() {
        return false;
      }

      @Override
      public boolean rejoinsAfterRemoval() {
        return false;
      }

      @Override
      public String replayFlags() {
        return memory ? " --world server-memory" : " --world server";
      }
    };
  }

  private final long id;
  private final Scenario sc;
  private final List<Long> voters = new ArrayList<>();
  private final MemberListener listener;
  private final long randomSeed;
  private final Courier courier;
  private final Path dir;
  private final long snapshotEvery;

  /** Whether the log is on the heap (no data directory) and the Ready cycle synchronous. */
  private final boolean memory;

  private CrashFs fs = new CrashFs();
  private Life life;
  private int starts;
  private boolean up;

  /** A member with an empty disk; it bootstraps {@code bootstrap}, or joins if that is empty. */
  ServerMember(
      long id,
      List<Peer> bootstrap,
      Scenario sc,
      MemberListener listener,
      long randomSeed,
      Courier courier,
      boolean memory) {
    this.id = id;
    this.memory = memory;
    this.sc = sc;
    for (Peer p : bootstrap) {
      voters.add(p.id());
    }
    this.listener = listener;
    this.randomSeed = randomSeed;
    this.courier = courier;
    this.dir = Path.of("/data", Long.toUnsignedString(id, 16));
    this.snapshotEvery = World.settings(sc, randomSeed).snapshotEvery();
    try {
      fs.createDirectories(dir.getParent());
      fs.syncDir(dir.getRoot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  private GroupOptions options() {
    long[] ids = new long[voters.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = voters.get(i);
    }
    GroupOptions o = ids.length == 0 ? GroupOptions.joining(GROUP) : GroupOptions.of(GROUP, ids);
    // Half the members (by their seed, so no random draw moves) run the state machine on the
    // loop thread: a follower then applies after its acknowledgements are sent.
    return o.withTicks(Scenario.ELECTION_TICK, 1)
        .withFlowControl(4096, 64)
        .withLeaseReads(sc.leaseReads())
        .withSnapshots(snapshotEvery, 0, 3)
        .withApplyOnLoopThread(memory || (randomSeed & 1) != 0);
  }

  private void start() {
    int start = starts++;
    life =
        new Life(
            new ManualScheduler(randomSeed * 1_000_003L + start),
            new Random(randomSeed ^ (start * 0x9E3779B97F4A7C15L)));
    up = true;
    RaftServer.Builder b =
        RaftServer.builder(id, life.transport)
            .scheduler(life.scheduler)
            .seed(randomSeed * 31 + start)
            .tickInterval(Duration.ofNanos(TICK))
            .loopThreads(1)
            .applyThreads(1)
            .storageObserver(life.observer);
    if (!memory) {
      b.dataDir(dir).fs(fs).walSegmentBytes(4096);
    }
    life.server = b.build();
    try {
      life.group = life.server.createGroup(options(), life.machine);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "member " + Long.toHexString(id) + " cannot recover its data directory", e);
    }
    checkDeath();
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public boolean isUp() {
    return up;
  }

  @Override
  public void tick() {
    if (up) {
      life.scheduler.advance(TICK);
      checkDeath();
    }
  }

  @Override
  public void deliver(Message m) {
    if (!up) {
      return;
    }
    Transport.Inbound in = life.inbound;
    long from = m.getFrom();
    if (m.getType() == MessageType.MsgHeartbeat && m.getContext().equals(ALIVE)) {
      in.receive(new MessageBatch(from, id, new long[0], List.of(), List.of()));
    } else if (m.getType() == MessageType.MsgHeartbeat && m.getContext().equals(QUIESCE)) {
      in.receive(
          new MessageBatch(
              from,
              id,
              new long[0],
              List.of(),
              List.of(
                  new Transport.Heartbeat(
                      GROUP, m.getTerm(), m.getCommit(), Transport.HeartbeatKind.QUIESCE))));
    } else if (m.getType() == MessageType.MsgSnap) {
      receiveSnapshot(in, m);
    } else {
      in.receive(new MessageBatch(from, id, new long[] {GROUP}, List.of(m), List.of()));
    }
    checkDeath();
  }

  private void receiveSnapshot(Transport.Inbound in, Message m) {
    byte[] data = courier.bytes.get(m);
    if (data == null) {
      return;
    }
    Transport.SnapshotSink sink;
    try {
      sink = in.receiveSnapshot(m.getFrom(), GROUP, m);
    } catch (IOException e) {
      return;
    }
    try {
      sink.write(ByteBuffer.wrap(data));
      sink.finish();
    } catch (IOException | RuntimeException e) {
      sink.abort(e);
    }
  }

  @Override
  public List<Message> process() {
    if (!up) {
      return List.of();
    }
    Life l = life;
    if (l.random.nextInt(4) == 0) {
      // a slow executor: some of the work waits for the next step (or tick)
      for (int budget = l.random.nextInt(6); budget > 0 && l.scheduler.runNext(); budget--) {
        // run one task
      }
    } else {
      l.scheduler.runUntilIdle();
    }
    checkDeath();
    if (!up || l.outbox.isEmpty()) {
      return List.of();
    }
    List<Message> out = new ArrayList<>(l.outbox);
    l.outbox.clear();
    listener.sent(id, out);
    return out;
  }

  @Override
  public boolean propose(long opId) {
    Life l = life;
    GroupStatus s = l.group.status();
    if (s == null || !s.isLeader()) {
      return false; // it would refuse with NotLeaderException: proposals are not forwarded
    }
    l.group
        .propose(Ops.writeData(opId))
        .whenComplete(
            (a, e) -> {
              if (e == null && l.alive()) {
                listener.writeAcked(id, opId, a.index());
              }
            });
    return true;
  }

  @Override
  public void read(long opId) {
    Life l = life;
    l.group
        .read("applied", sc.leaseReads() ? ReadPolicy.LEASE : ReadPolicy.LINEARIZABLE)
        .whenComplete(
            (v, e) -> {
              if (e == null && l.alive()) {
                listener.readServed(id, opId, (Long) v);
              }
            });
  }

  @Override
  public boolean proposeConfChange(ConfChangeI cc) {
    ConfChange c = cc.asV1OrNull();
    if (c == null) {
      return false; // RaftGroup makes simple changes only
    }
    RaftGroup g = life.group;
    long node = c.getNodeId();
    ConfState cs = confState();
    switch (c.getType()) {
      case ConfChangeAddNode:
        (cs.getLearnersList().contains(node) ? g.promote(node) : g.addVoter(node))
            .exceptionally(e -> null);
        return true;
      case ConfChangeAddLearnerNode:
        g.addLearner(node).exceptionally(e -> null);
        return true;
      case ConfChangeRemoveNode:
        g.remove(node).exceptionally(e -> null);
        return true;
      default:
        return false;
    }
  }

  @Override
  public void transferLeader(long transferee) {
    life.group.transferLeadership(transferee).exceptionally(e -> null);
  }

  @Override
  public void reportSnapshot(long to, boolean delivered) {
    if (up) {
      Transport.OutgoingSnapshot s = life.snapshotsOut.remove(to);
      if (s != null) {
        s.completed(delivered);
      }
    }
  }

  private GroupStatus status() {
    return life.group.status();
  }

  @Override
  public StateType role() {
    return status().role();
  }

  @Override
  public long term() {
    return status().term();
  }

  @Override
  public ConfState confState() {
    GroupStatus s = status();
    return ConfState.newBuilder().addAllVoters(s.voters()).addAllLearners(s.learners()).build();
  }

  @Override
  public long applied() {
    return status().applied();
  }

  @Override
  public void crash(long crashSeed) {
    died(false, fs.crash(crashSeed));
  }

  @Override
  public void crashDuringWrites(int writes, long crashSeed) {
    fs.crashAfter(writes, crashSeed);
  }

  private void checkDeath() {
    if (up && fs.isDead()) {
      died(true, fs.crashedImage());
    }
  }

  private void died(boolean midWrite, CrashFs image) {
    Life l = life;
    long inflight = l.saving;
    up = false;
    shutDown(l);
    fs = image;
    listener.crashed(id, midWrite, inflight);
  }

  /** Stops a server whose disk is gone or whose run is over: its threads (the WAL's) end. */
  private static void shutDown(Life l) {
    l.dead = true;
    try {
      l.server.close();
    } catch (RuntimeException ignored) {
      // a dead disk refuses the close's writes; nothing of this life is looked at again
    }
  }

  @Override
  public void restart() {
    if (up) {
      throw new IllegalStateException("member " + Long.toHexString(id) + " is up");
    }
    start();
  }

  @Override
  public void close() {
    if (up) {
      up = false;
      shutDown(life);
    }
  }

  /**
   * One run of the server, from a start to its crash: its scheduler, transport, state machine and
   * the observer of its storage. Nothing of an ended life reaches the checkers.
   */
  private final class Life {
    final ManualScheduler scheduler;
    final Random random;
    final List<Message> outbox = new ArrayList<>();
    final Map<Long, Transport.OutgoingSnapshot> snapshotsOut = new HashMap<>();
    final Bridge transport = new Bridge();
    final Machine machine = new Machine(this);
    final Observer observer = new Observer();
    RaftServer server;
    RaftGroup group;
    Transport.Inbound inbound;
    boolean dead;
    long saving; // first entry index of the write under way, 0 if none
    HardState lastHardState = HardState.getDefaultInstance();

    Life(ManualScheduler scheduler, Random random) {
      this.scheduler = scheduler;
      this.random = random;
    }

    boolean alive() {
      return !dead && !fs.isDead();
    }

    /** The member's current term, for the checkers' record of when an entry was known committed. */
    long term() {
      GroupStatus s = group == null ? null : group.status();
      return s == null ? Long.MAX_VALUE : s.term(); // unknown: claim nothing
    }

    /** The transport: each batch becomes Raft messages on the world's network. */
    private final class Bridge implements Transport {
      @Override
      public void start(long localServerId, Inbound in) {
        inbound = in;
      }

      @Override
      public void send(long to, MessageBatch batch) {
        if (!alive()) {
          return; // a dead machine sends nothing
        }
        outbox.addAll(batch.messages());
        for (Heartbeat hb : batch.heartbeats()) {
          Message.Builder m = Message.newBuilder().setFrom(id).setTo(to).setTerm(hb.term());
          switch (hb.kind()) {
            case HEARTBEAT:
              m.setType(MessageType.MsgHeartbeat).setCommit(hb.commit());
              break;
            case RESPONSE:
              m.setType(MessageType.MsgHeartbeatResp);
              break;
            default:
              m.setType(MessageType.MsgHeartbeat).setCommit(hb.commit()).setContext(QUIESCE);
          }
          outbox.add(m.build());
        }
        if (batch.size() == 0) {
          outbox.add(
              Message.newBuilder()
                  .setType(MessageType.MsgHeartbeat)
                  .setFrom(id)
                  .setTo(to)
                  .setContext(ALIVE)
                  .build());
        }
      }

      @Override
      public void sendSnapshot(long to, OutgoingSnapshot snapshot) {
        if (!alive()) {
          snapshot.completed(false);
          return;
        }
        byte[] data;
        try (java.io.InputStream in = snapshot.open()) {
          data = in.readAllBytes();
        } catch (IOException e) {
          snapshot.completed(false);
          return;
        }
        courier.bytes.put(snapshot.message(), data);
        OutgoingSnapshot previous = snapshotsOut.put(to, snapshot);
        if (previous != null) {
          previous.completed(false);
        }
        outbox.add(snapshot.message());
      }

      @Override
      public void close() {
        // nothing to release
      }
    }

    /** Reports each durable write, once it returned, with Raft's durability verdict. */
    private final class Observer implements StorageObserver {
      @Override
      public void opened(long groupId, HardState hs, MemoryStorage log) {
        lastHardState = hs;
        listener.restarted(id, hs, log);
      }

      @Override
      public void saving(long groupId, HardState hs, List<Entry> entries, Snapshot snapshot) {
        saving = entries.isEmpty() ? 0 : entries.get(0).getIndex();
      }

      @Override
      public void saved(long groupId, HardState hs, List<Entry> entries, Snapshot snapshot) {
        saving = 0;
        if (!alive()) {
          return;
        }
        boolean hasHs = !hs.equals(HardState.getDefaultInstance());
        // Raft's rule (RawNode's mustSync): new entries, or a new term or vote
        boolean mustSync =
            !entries.isEmpty()
                || hasHs
                    && (hs.getTerm() != lastHardState.getTerm()
                        || hs.getVote() != lastHardState.getVote());
        if (hasHs) {
          lastHardState = hs;
        }
        boolean hasSnap = snapshot.getMetadata().getIndex() > 0;
        listener.persisted(id, hs, entries, hasSnap ? snapshot.getMetadata() : null, mustSync);
      }
    }
  }

  /**
   * The state machine: the client writes applied, each with its index and term. Its snapshot holds
   * them all; a query answers the index of the last write applied, which names the state a read saw
   * (no write lies between it and the applied index).
   */
  private final class Machine implements io.raftj.server.StateMachine {
    private final Life life;
    private final List<Entry> writes = new ArrayList<>();
    private long lastWrite;

    Machine(Life life) {
      this.life = life;
    }

    @Override
    public void apply(io.raftj.server.ApplyBatch batch) {
      if (!life.alive()) {
        return;
      }
      long term = life.term();
      for (int i = 0; i < batch.size(); i++) {
        Entry e =
            Entry.newBuilder()
                .setTerm(batch.term(i))
                .setIndex(batch.index(i))
                .setData(batch.data(i))
                .build();
        writes.add(e); // proposals are not forwarded, so no write reaches the log twice
        lastWrite = e.getIndex();
        listener.applied(id, term, e);
      }
    }

    @Override
    public io.raftj.server.SnapshotWriter snapshot() {
      List<Entry> view = List.copyOf(writes);
      long upTo = lastWrite;
      if (life.alive()) {
        listener.writesInSnapshot(id, false, upTo, view);
      }
      return out -> {
        java.io.DataOutputStream d = new java.io.DataOutputStream(out);
        d.writeLong(upTo);
        d.writeInt(view.size());
        for (Entry e : view) {
          d.writeLong(e.getIndex());
          d.writeLong(e.getTerm());
          d.writeLong(Ops.opOf(e.getData()));
        }
        d.flush();
      };
    }

    @Override
    public void restore(java.io.InputStream in) throws IOException {
      java.io.DataInputStream d = new java.io.DataInputStream(in);
      long upTo = d.readLong();
      int n = d.readInt();
      writes.clear();
      for (int i = 0; i < n; i++) {
        long index = d.readLong();
        long term = d.readLong();
        long op = d.readLong();
        writes.add(
            Entry.newBuilder().setTerm(term).setIndex(index).setData(Ops.writeData(op)).build());
      }
      lastWrite = upTo;
      if (life.alive()) {
        listener.writesInSnapshot(id, true, upTo, List.copyOf(writes));
      }
    }

    @Override
    public Object query(Object query) {
      return lastWrite;
    }
  }
}
