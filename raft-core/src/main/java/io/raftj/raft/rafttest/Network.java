package io.raftj.raft.rafttest;

import com.google.protobuf.ByteString;
import io.raftj.raft.BasicStatus;
import io.raftj.raft.Config;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.ProposalDroppedException;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.RaftLogger;
import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A simulated network of raft nodes for testing an application on top of raft: every member is a
 * {@link SimulatedNode} (a {@code RawNode}, its storage and a {@link StateMachine}), and the
 * messages between them travel through in-memory links that can drop, delay, or be cut. Plays the
 * role of etcd's {@code rafttest/network.go} and the {@code network} of {@code raft_test.go}, but
 * single-threaded and in simulated time.
 *
 * <p>Time is ticks: {@link #tick()} advances every running node by one tick and then lets the
 * cluster settle (Readies handled, due messages delivered) until nothing moves. A message's delay
 * is a whole number of ticks, zero by default. All randomness (drops, delays, election jitter)
 * comes from the seed, so a run replays exactly.
 * <!-- snippet: raft-core/src/test/java/io/raftj/raft/rafttest/NetworkExampleTest.java -->
 *
 * <pre>{@code
 * Network net = Network.builder().peers(1, 2, 3).seed(42).build();
 * net.runUntil(() -> net.leader() != RaftConstants.NONE, 100);
 * net.propose(net.leader(), ByteString.copyFromUtf8("x=1"));
 * net.isolate(net.leader());
 * }</pre>
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
public final class Network {

  /** How long {@link #settle} may run before it decides the cluster livelocks. */
  private static final int MAX_SETTLE_ROUNDS = 100_000;

  private final SplittableRandom rng;
  private final long seed;
  private final Consumer<Config> configure;
  private final LongFunction<StateMachine> stateMachines;
  private final TreeMap<Long, SimulatedNode> nodes = new TreeMap<>(Long::compareUnsigned);
  private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
  private final Map<Link, LinkFaults> faults = new HashMap<>();
  private final Set<Link> cuts = new HashSet<>();
  private final Set<MessageType> ignored = EnumSet.noneOf(MessageType.class);
  private final List<Consumer<Message>> observers = new ArrayList<>();
  private long now;
  private long sequence;
  private long sent;
  private long dropped;

  private record Link(long from, long to) {}

  private record LinkFaults(double dropRate, int minDelay, int maxDelay) {}

  private record InFlight(long deliverAt, long sequence, Message message)
      implements Comparable<InFlight> {
    @Override
    public int compareTo(InFlight o) {
      int c = Long.compare(deliverAt, o.deliverAt);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  private Network(Builder b) {
    this.seed = b.seed;
    this.rng = new SplittableRandom(b.seed);
    this.configure = b.configure;
    this.stateMachines = b.stateMachines;
    for (long id : b.peers) {
      MemoryStorage storage = new MemoryStorage();
      storage.applySnapshot(bootstrapSnapshot(b.peers));
      nodes.put(id, newNode(id, storage));
    }
  }

  /** A builder for a network; set at least the peers. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link Network}. */
  public static final class Builder {
    private long seed;
    private long[] peers = {1, 2, 3};
    private Consumer<Config> configure = c -> {};
    private LongFunction<StateMachine> stateMachines = id -> entry -> {};

    private Builder() {}

    /** The seed of every random choice; 0 by default. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The IDs of the initial voters, bootstrapped at index 1 term 1; 1, 2, 3 by default. */
    public Builder peers(long... ids) {
      this.peers = ids.clone();
      return this;
    }

    /**
     * Adjusts each node's config after the defaults (election tick 10, heartbeat tick 1, 1 MiB
     * messages, 256 in flight, pre-vote and check-quorum on, no logging); ID, storage, applied
     * index and random source are set by the network.
     */
    public Builder configure(Consumer<Config> configure) {
      this.configure = configure;
      return this;
    }

    /**
     * Creates each node's state machine, again after a restart; by default one that ignores
     * entries.
     */
    public Builder stateMachine(LongFunction<StateMachine> stateMachines) {
      this.stateMachines = stateMachines;
      return this;
    }

    /** The network, its members bootstrapped and started. */
    public Network build() {
      return new Network(this);
    }
  }

  private static Snapshot bootstrapSnapshot(long[] peers) {
    ConfState.Builder cs = ConfState.newBuilder();
    for (long id : peers) {
      cs.addVoters(id);
    }
    return Snapshot.newBuilder()
        .setMetadata(SnapshotMetadata.newBuilder().setConfState(cs).setIndex(1).setTerm(1))
        .build();
  }

  private SimulatedNode newNode(long id, MemoryStorage storage) {
    return new SimulatedNode(
        id,
        storage,
        () -> {
          Config c =
              new Config()
                  .setElectionTick(10)
                  .setHeartbeatTick(1)
                  .setMaxSizePerMsg(1024 * 1024)
                  .setMaxInflightMsgs(256)
                  .setPreVote(true)
                  .setCheckQuorum(true)
                  .setLogger(RaftLogger.discard());
          configure.accept(c);
          return c.setRandom(new SplittableRandom(seed ^ (id * 0x9E3779B97F4A7C15L)));
        },
        () -> stateMachines.apply(id));
  }

  // ---- members ----

  /** The member with this ID. */
  public SimulatedNode node(long id) {
    SimulatedNode n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no node " + Long.toUnsignedString(id));
    }
    return n;
  }

  /** The members in ascending ID order. */
  public List<SimulatedNode> nodes() {
    return Collections.unmodifiableList(new ArrayList<>(nodes.values()));
  }

  /**
   * Adds a member with empty storage (not yet in any configuration): propose a conf change adding
   * it, and the leader will catch it up.
   */
  public SimulatedNode addNode(long id) {
    if (nodes.containsKey(id)) {
      throw new IllegalArgumentException("node " + Long.toUnsignedString(id) + " exists");
    }
    SimulatedNode n = newNode(id, new MemoryStorage());
    nodes.put(id, n);
    return n;
  }

  /** Crashes a member: it stops ticking and loses the messages sent to it. */
  public void stop(long id) {
    node(id).stop();
  }

  /** Restarts a crashed member from its storage, with a fresh state machine. */
  public void restart(long id) {
    SimulatedNode n = node(id);
    if (n.isRunning()) {
      throw new IllegalStateException("node " + Long.toUnsignedString(id) + " is running");
    }
    n.restart();
    settle();
  }

  /** Snapshots a member's state machine at its applied index and compacts its log up to it. */
  public void compact(long id) {
    node(id).compact();
  }

  // ---- faults ----

  /** Drops each message from {@code from} to {@code to} with probability {@code rate}. */
  public void drop(long from, long to, double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("drop rate must be in [0, 1]: " + rate);
    }
    LinkFaults f = faults.getOrDefault(new Link(from, to), new LinkFaults(0, 0, 0));
    faults.put(new Link(from, to), new LinkFaults(rate, f.minDelay(), f.maxDelay()));
  }

  /** Delays each message from {@code from} to {@code to} by a uniform {@code [min, max]} ticks. */
  public void delay(long from, long to, int minTicks, int maxTicks) {
    if (minTicks < 0 || maxTicks < minTicks) {
      throw new IllegalArgumentException("bad delay range [" + minTicks + ", " + maxTicks + "]");
    }
    LinkFaults f = faults.getOrDefault(new Link(from, to), new LinkFaults(0, 0, 0));
    faults.put(new Link(from, to), new LinkFaults(f.dropRate(), minTicks, maxTicks));
  }

  /** Cuts the link between two members in both directions. */
  public void cut(long a, long b) {
    cuts.add(new Link(a, b));
    cuts.add(new Link(b, a));
  }

  /** Cuts every link of {@code id}. */
  public void isolate(long id) {
    for (long other : nodes.keySet()) {
      if (other != id) {
        cut(id, other);
      }
    }
  }

  /** Cuts every link between members of different groups; members in no group keep theirs. */
  public void partition(long[]... groups) {
    for (int i = 0; i < groups.length; i++) {
      for (int j = 0; j < groups.length; j++) {
        if (i == j) {
          continue;
        }
        for (long a : groups[i]) {
          for (long b : groups[j]) {
            cut(a, b);
          }
        }
      }
    }
  }

  /** Drops every message of this type. */
  public void ignore(MessageType type) {
    ignored.add(type);
  }

  /** Restores every link: no cuts, drops, delays or ignored types (messages in flight stay). */
  public void heal() {
    cuts.clear();
    faults.clear();
    ignored.clear();
  }

  /** Calls {@code observer} with every message delivered, in delivery order. */
  public void observe(Consumer<Message> observer) {
    observers.add(observer);
  }

  // ---- driving ----

  /** The current time in ticks. */
  public long now() {
    return now;
  }

  /** Messages sent so far, and how many of them the faults dropped. */
  public long sentCount() {
    return sent;
  }

  /** How many messages the faults dropped. */
  public long droppedCount() {
    return dropped;
  }

  /** Advances time by one tick: every running member ticks once, then the cluster settles. */
  public void tick() {
    now++;
    for (SimulatedNode n : nodes.values()) {
      if (n.isRunning()) {
        n.rawNode().tick();
      }
    }
    settle();
  }

  /** {@link #tick()} {@code n} times. */
  public void tick(int n) {
    for (int i = 0; i < n; i++) {
      tick();
    }
  }

  /**
   * Ticks until {@code condition} holds, at most {@code maxTicks} times, and returns whether it
   * holds.
   */
  public boolean runUntil(BooleanSupplier condition, int maxTicks) {
    settle();
    for (int i = 0; i < maxTicks && !condition.getAsBoolean(); i++) {
      tick();
    }
    return condition.getAsBoolean();
  }

  /** Handles every Ready and delivers every due message, until neither is left. */
  public void settle() {
    for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      boolean busy = false;
      for (SimulatedNode n : nodes.values()) {
        if (n.isRunning()) {
          while (n.handleReady(this::send)) {
            busy = true;
          }
        }
      }
      while (!inFlight.isEmpty() && inFlight.peek().deliverAt() <= now) {
        deliver(inFlight.poll().message());
        busy = true;
      }
      if (!busy) {
        return;
      }
    }
    throw new IllegalStateException(
        "the cluster did not settle in " + MAX_SETTLE_ROUNDS + " rounds");
  }

  private void send(Message m) {
    sent++;
    Link link = new Link(m.getFrom(), m.getTo());
    LinkFaults f = faults.get(link);
    if (cuts.contains(link)
        || ignored.contains(m.getType())
        || (f != null && f.dropRate() > 0 && rng.nextDouble() < f.dropRate())) {
      dropped++;
      return;
    }
    int delay = f == null ? 0 : f.minDelay() + rng.nextInt(f.maxDelay() - f.minDelay() + 1);
    inFlight.add(new InFlight(now + delay, sequence++, m));
  }

  private void deliver(Message m) {
    SimulatedNode to = nodes.get(m.getTo());
    if (to == null || !to.isRunning()) {
      dropped++;
      return;
    }
    for (Consumer<Message> o : observers) {
      o.accept(m);
    }
    try {
      to.rawNode().step(m);
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException) {
        throw e;
      }
      // A message from a peer the receiver no longer knows: a real transport drops it too.
    }
  }

  // ---- client operations ----

  /** Campaigns on a member and settles. */
  public void campaign(long id) {
    node(id).rawNode().campaign();
    settle();
  }

  /** Proposes on a member and settles; false when raft dropped the proposal. */
  public boolean propose(long id, ByteString data) {
    try {
      node(id).rawNode().propose(data);
    } catch (ProposalDroppedException e) {
      return false;
    }
    settle();
    return true;
  }

  /**
   * The running leader with the highest term, or {@link RaftConstants#NONE}: a partitioned former
   * leader may still believe it leads, at a lower term.
   */
  public long leader() {
    long leader = RaftConstants.NONE;
    long term = -1;
    for (SimulatedNode n : nodes.values()) {
      if (!n.isRunning()) {
        continue;
      }
      BasicStatus st = n.rawNode().basicStatus();
      long t = st.hardState().getTerm();
      if (st.softState().raftState() == StateType.STATE_LEADER && t > term) {
        leader = n.id();
        term = t;
      }
    }
    return leader;
  }
}
