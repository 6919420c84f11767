package io.raftj.server;

import io.raftj.raft.raftpb.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory network of {@link Transport}s, one per server, for tests, benchmarks and simulation.
 * Batches are handed over as objects (nothing is serialised) on the sender's thread, or later on
 * the scheduler's timer when delayed. Faults come from hooks that can change at any time: drop,
 * duplicate and delay (which reorders) at seeded random rates, links cut one way or both, whole
 * partitions, and a filter for anything else. Snapshots stream in 64 KiB chunks on the scheduler.
 * Thread-safe.
 */
public final class LocalNetwork {

  /** Chunk size of snapshot transfers. */
  static final int CHUNK = 64 * 1024;

  /** Decides the fate of one batch: return false to drop it. */
  @FunctionalInterface
  public interface Filter {
    /** Whether {@code batch} reaches its receiver. */
    boolean deliver(MessageBatch batch);
  }

  private final Scheduler scheduler;
  private final SplittableRandom random;
  private final ConcurrentHashMap<Long, Transport.Inbound> inbound = new ConcurrentHashMap<>();
  private final Set<Long> cut = ConcurrentHashMap.newKeySet();
  private final Executor snapshotExecutor;
  private volatile double dropRate;
  private volatile double duplicateRate;
  private volatile long minDelayNanos;
  private volatile long maxDelayNanos;
  private volatile Filter filter = b -> true;
  private final LongAdder delivered = new LongAdder(); // counted by every sending thread
  private final AtomicLong dropped = new AtomicLong();

  /**
   * A network for servers on real threads: delays and snapshot streams run on a daemon {@link
   * ThreadScheduler} of its own.
   */
  public LocalNetwork() {
    this(new ThreadScheduler("local-network"), System.nanoTime());
  }

  /**
   * A network on {@code scheduler} (for delays and snapshot streams), faults seeded by {@code
   * seed}: with a {@link ManualScheduler}, a whole cluster replays from its seeds.
   */
  public LocalNetwork(Scheduler scheduler, long seed) {
    this.scheduler = scheduler;
    this.random = new SplittableRandom(seed);
    this.snapshotExecutor = scheduler.newExecutor("local-network-snapshots");
  }

  /** The transport for server {@code serverId}. */
  public Transport transport(long serverId) {
    return new Endpoint(serverId);
  }

  /** Drops each batch with probability {@code rate}. */
  public void setDropRate(double rate) {
    this.dropRate = probability(rate);
  }

  /** Delivers each batch twice with probability {@code rate}. */
  public void setDuplicateRate(double rate) {
    this.duplicateRate = probability(rate);
  }

  /**
   * Delays each batch by a random time in [min, max] nanoseconds; batches then overtake each other.
   */
  public void setDelay(long minNanos, long maxNanos) {
    if (minNanos < 0 || maxNanos < minNanos) {
      throw new IllegalArgumentException("bad delay range " + minNanos + ".." + maxNanos);
    }
    this.minDelayNanos = minNanos;
    this.maxDelayNanos = maxNanos;
  }

  /** Installs a filter consulted for every batch after the other faults. */
  public void setFilter(Filter filter) {
    this.filter = filter;
  }

  /** Cuts the link from {@code from} to {@code to} (one way). */
  public void cut(long from, long to) {
    cut.add(link(from, to));
  }

  /** Cuts both directions between {@code a} and {@code b}. */
  public void cutBoth(long a, long b) {
    cut(a, b);
    cut(b, a);
  }

  /** Cuts every link between a server in {@code side} and one outside it. */
  public void partition(Set<Long> side) {
    Set<Long> all = new HashSet<>(inbound.keySet());
    for (long a : side) {
      for (long b : all) {
        if (!side.contains(b)) {
          cutBoth(a, b);
        }
      }
    }
  }

  /** Cuts {@code id} off from every other server. */
  public void isolate(long id) {
    partition(Set.of(id));
  }

  /** Restores every link and clears rates, delays and the filter. */
  public void heal() {
    cut.clear();
    dropRate = 0;
    duplicateRate = 0;
    minDelayNanos = 0;
    maxDelayNanos = 0;
    filter = b -> true;
  }

  /**
   * Delivers {@code batch} to {@code batch.to()} at once, whatever its contents and whoever it
   * claims to come from: how a test makes a server face a faulty or hostile peer.
   *
   * @throws IllegalArgumentException if no server {@code batch.to()} is on the network
   */
  public void inject(MessageBatch batch) {
    Transport.Inbound dest = inbound.get(batch.to());
    if (dest == null) {
      throw new IllegalArgumentException(
          "no server " + Long.toUnsignedString(batch.to()) + " on the network");
    }
    dest.receive(batch);
  }

  /** Batches delivered so far. */
  public long delivered() {
    return delivered.sum();
  }

  /** Batches dropped so far. */
  public long dropped() {
    return dropped.get();
  }

  private static double probability(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("not a probability: " + p);
    }
    return p;
  }

  private static long link(long from, long to) {
    return from * 0x9E3779B97F4A7C15L + to;
  }

  private boolean isCut(long from, long to) {
    return !cut.isEmpty() && cut.contains(link(from, to));
  }

  private synchronized double nextDouble() {
    return random.nextDouble();
  }

  private long nextDelay() {
    if (maxDelayNanos == 0) {
      return 0; // no delay set: no lock on every send
    }
    synchronized (this) {
      long min = minDelayNanos;
      long max = maxDelayNanos;
      return max == 0 ? 0 : min + (max == min ? 0 : random.nextLong(max - min + 1));
    }
  }

  private void send(long from, long to, MessageBatch batch) {
    Transport.Inbound dest = inbound.get(to);
    if (dest == null || isCut(from, to)) {
      dropped.incrementAndGet();
      Transport.Inbound src = inbound.get(from);
      if (src != null && batch.size() > 0) {
        src.unreachable(to);
      }
      return;
    }
    if (dropRate > 0 && nextDouble() < dropRate || !filter.deliver(batch)) {
      dropped.incrementAndGet();
      return;
    }
    int copies = duplicateRate > 0 && nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = nextDelay();
      if (delay == 0) {
        delivered.increment();
        dest.receive(batch);
      } else {
        scheduler.schedule(
            () -> {
              Transport.Inbound d = inbound.get(to);
              if (d != null && !isCut(from, to)) {
                delivered.increment();
                d.receive(batch);
              } else {
                dropped.incrementAndGet();
              }
            },
            delay);
      }
    }
  }

  private void stream(long from, long to, Transport.OutgoingSnapshot snap) {
    Transport.Inbound dest = inbound.get(to);
    if (dest == null || isCut(from, to)) {
      snap.completed(false);
      return;
    }
    Transport.SnapshotSink sink;
    try {
      sink = dest.receiveSnapshot(from, snap.groupId(), snap.message());
    } catch (IOException | RuntimeException e) {
      snap.completed(false);
      return;
    }
    try (InputStream in = snap.open()) {
      byte[] buf = new byte[CHUNK];
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
        if (isCut(from, to)) {
          throw new IOException("link cut during the transfer");
        }
        sink.write(ByteBuffer.wrap(buf, 0, n));
      }
      sink.finish();
      snap.completed(true);
    } catch (IOException | RuntimeException e) {
      sink.abort(e);
      snap.completed(false);
    }
  }

  private final class Endpoint implements Transport {
    private final long self;

    Endpoint(long self) {
      this.self = self;
    }

    @Override
    public void start(long localServerId, Inbound in) {
      if (localServerId != self) {
        throw new IllegalArgumentException(
            "transport of server "
                + Long.toUnsignedString(self)
                + " started for "
                + Long.toUnsignedString(localServerId));
      }
      if (inbound.putIfAbsent(self, in) != null) {
        throw new IllegalStateException(
            "server " + Long.toUnsignedString(self) + " is already on the network");
      }
    }

    @Override
    public void send(long to, MessageBatch batch) {
      LocalNetwork.this.send(self, to, batch);
    }

    @Override
    public void sendSnapshot(long to, OutgoingSnapshot snapshot) {
      snapshotExecutor.execute(() -> stream(self, to, snapshot));
    }

    @Override
    public void close() {
      inbound.remove(self);
    }
  }

  /** For tests: the raw message type names in a batch. */
  static String describe(MessageBatch b) {
    StringBuilder sb = new StringBuilder();
    for (Message m : b.messages()) {
      sb.append(m.getType()).append(' ');
    }
    return sb.toString();
  }
}
