package io.raftj.transport.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftj.server.MessageBatch;
import io.raftj.server.Transport;
import io.raftj.transport.grpc.wire.RaftTransportGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over gRPC (grpc-java on Netty): one long-lived stream per ordered pair of
 * servers carries the batches of all groups, acknowledged frame by frame; each snapshot streams on
 * a call of its own in chunks under gRPC's flow control. Servers authenticate each other with
 * mutual TLS, each identified by the ID its certificate names ({@link TlsConfig}, {@link
 * PeerIdentity}); plaintext only when the builder is told so.
 *
 * <p>The listening socket is bound by {@link Builder#build()}, so its port is known before the
 * {@code RaftServer} starts; traffic arriving before {@link #start} is refused as unavailable.
 * Peers' addresses may change at any time ({@link #setPeer}, {@link #removePeer}); only configured
 * peers may send. Thread-safe; no method waits on the network except {@link #close}.
 *
 * @see <a href="../../../../../../../docs/transport.md">docs/transport.md</a>
 */
public final class GrpcTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(GrpcTransport.class);

  /** The tunables, fixed at construction. */
  record Limits(
      int queueFrames,
      long queueBytes,
      int inFlightFrames,
      long ackTimeoutNanos,
      long minBackoffNanos,
      long maxBackoffNanos,
      int snapshotChunkBytes,
      long snapshotStallNanos,
      int maxFrameBytes) {}

  private final long localId;
  private final Limits limits;
  private final TlsConfig tls;
  private final Server server;
  private final ConcurrentHashMap<Long, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, PeerStream> streams = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, PeerCounters> counters = new ConcurrentHashMap<>();
  private final Set<SnapshotSender> snapshots = ConcurrentHashMap.newKeySet();
  private final LongAdder refused = new LongAdder();
  private final ScheduledExecutorService timer;
  private final ExecutorService snapshotThreads;
  private volatile Inbound inbound;
  private volatile boolean closed;

  private GrpcTransport(Builder b) throws IOException {
    this.localId = b.localId;
    this.tls = b.tls;
    this.limits =
        new Limits(
            b.queueFrames,
            b.queueBytes,
            b.inFlightFrames,
            b.ackTimeout.toNanos(),
            b.minBackoff.toNanos(),
            b.maxBackoff.toNanos(),
            b.snapshotChunkBytes,
            b.snapshotStall.toNanos(),
            b.maxFrameBytes);
    this.addresses.putAll(b.peers);
    if (tls == null) {
      LOG.warn(
          "PLAINTEXT: server {} sends and accepts Raft traffic without TLS; anyone who can"
              + " reach {} and knows a member's ID can write to its groups. Configure TlsConfig for"
              + " any network you do not fully control.",
          Long.toUnsignedString(localId),
          b.listen);
    } else if (tls.certifiedId() != 0 && tls.certifiedId() != localId) {
      throw new IllegalArgumentException(
          "the certificate names server "
              + Long.toUnsignedString(tls.certifiedId())
              + ", not "
              + Long.toUnsignedString(localId));
    }
    ServerCredentials creds =
        tls == null
            ? InsecureServerCredentials.create()
            : tls.serverCredentials(addresses::containsKey, refused::increment);
    this.server =
        NettyServerBuilder.forAddress(b.listen, creds)
            .addService(
                ServerInterceptors.intercept(
                    new InboundService(this), new Authenticator(this, tls != null)))
            .callExecutor(GrpcTransport::callExecutor)
            .maxInboundMessageSize(b.maxFrameBytes)
            .permitKeepAliveTime(1, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build()
            .start();
    AtomicInteger n = new AtomicInteger();
    String name = "raftj-transport-" + Long.toUnsignedString(localId);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-timer"));
    this.snapshotThreads =
        Executors.newCachedThreadPool(r -> daemon(r, name + "-snapshot-" + n.incrementAndGet()));
    long period = Math.max(1, limits.ackTimeoutNanos() / 4);
    timer.scheduleAtFixedRate(this::checkStreams, period, period, TimeUnit.NANOSECONDS);
  }

  /** Starts building the transport of server {@code localId} listening on {@code listen}. */
  public static Builder builder(long localId, InetSocketAddress listen) {
    return new Builder(localId, listen);
  }

  /** This server's ID. */
  public long localId() {
    return localId;
  }

  /** The bound listening address (with the actual port when 0 was asked for). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** Adds a peer or changes its address; an existing stream to it is closed. */
  public void setPeer(long id, InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    if (id == localId || id == 0) {
      throw new IllegalArgumentException("not a peer: " + Long.toUnsignedString(id));
    }
    InetSocketAddress old = addresses.put(id, address);
    if (old != null && !old.equals(address)) {
      PeerStream s = streams.remove(id);
      if (s != null) {
        s.close();
      }
    }
  }

  /** Forgets a peer: nothing is sent to it or accepted from it any more. */
  public void removePeer(long id) {
    addresses.remove(id);
    PeerStream s = streams.remove(id);
    if (s != null) {
      s.close();
    }
  }

  /** The peers' addresses now. */
  public Map<Long, InetSocketAddress> peers() {
    return Map.copyOf(addresses);
  }

  /** A copy of the counters. */
  public TransportMetrics metrics() {
    Map<Long, TransportMetrics.Peer> m = new HashMap<>();
    counters.forEach((id, c) -> m.put(id, c.snapshot()));
    return new TransportMetrics(m, refused.sum());
  }

  @Override
  public void start(long localServerId, Inbound in) {
    if (localServerId != localId) {
      throw new IllegalArgumentException(
          "transport of server "
              + Long.toUnsignedString(localId)
              + " started for "
              + Long.toUnsignedString(localServerId));
    }
    synchronized (this) {
      if (inbound != null) {
        throw new IllegalStateException("already started");
      }
      inbound = Objects.requireNonNull(in);
    }
  }

  @Override
  public void send(long to, MessageBatch batch) {
    PeerStream s = stream(to);
    if (s == null) {
      counters(to).messagesDropped.add(batch.size());
      Inbound in = inbound;
      if (in != null && batch.size() > 0) {
        in.unreachable(to);
      }
      return;
    }
    s.send(FrameCodec.encode(batch));
  }

  @Override
  public void sendSnapshot(long to, OutgoingSnapshot snapshot) {
    PeerStream s = stream(to);
    if (s == null) {
      counters(to).snapshotsFailed.increment();
      snapshot.completed(false);
      return;
    }
    SnapshotSender sender =
        new SnapshotSender(localId, to, snapshot, s.channel(), limits, counters(to), () -> {});
    snapshots.add(sender);
    try {
      snapshotThreads.execute(
          () -> {
            try {
              sender.run();
            } finally {
              snapshots.remove(sender);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      snapshots.remove(sender);
      sender.cancel();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    timer.shutdownNow();
    for (SnapshotSender s : snapshots) {
      s.cancel();
    }
    snapshotThreads.shutdownNow();
    for (PeerStream s : streams.values()) {
      s.close();
    }
    streams.clear();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- for the receiving side -----------------------------------------------------------

  Inbound inbound() {
    return closed ? null : inbound;
  }

  PeerCounters counters(long peer) {
    return counters.computeIfAbsent(peer, k -> new PeerCounters());
  }

  /**
   * Checks that {@code from} may send to {@code to} here: a configured peer, addressing this
   * server, and (with TLS) the server its certificate names.
   *
   * @throws SecurityException if not
   */
  void authorize(long certified, long from, long to) {
    if (to != localId) {
      throw new SecurityException(
          "addressed to server "
              + Long.toUnsignedString(to)
              + ", this is "
              + Long.toUnsignedString(localId));
    }
    if (!addresses.containsKey(from)) {
      throw new SecurityException("server " + Long.toUnsignedString(from) + " is not a member");
    }
    if (tls != null && certified != from) {
      throw new SecurityException(
          "sender claims to be server "
              + Long.toUnsignedString(from)
              + " but its certificate names "
              + Long.toUnsignedString(certified));
    }
  }

  /** Counts and logs refused traffic. */
  void refuse(String what, long certified, long claimed, String why) {
    refused.increment();
    LOG.warn(
        "refused {} (certificate names {}, claims {}): {}",
        what,
        Long.toUnsignedString(certified),
        Long.toUnsignedString(claimed),
        why);
  }

  // ---- internals -----------------------------------------------------------------------

  private PeerStream stream(long to) {
    if (closed || inbound == null) {
      return null;
    }
    PeerStream s = streams.get(to);
    if (s != null) {
      return s;
    }
    InetSocketAddress address = addresses.get(to);
    if (address == null) {
      return null;
    }
    synchronized (this) {
      if (closed) {
        return null;
      }
      s = streams.get(to);
      if (s == null) {
        s = new PeerStream(to, channel(to, address), limits, counters(to), inbound);
        streams.put(to, s);
      }
      return s;
    }
  }

  /**
   * Frames are handled on the connection's own network thread: decoding one and handing it to the
   * server only enqueues, and a hand-off to gRPC's pool would wake one more thread per hop, which
   * on a busy machine can cost up to a millisecond. Snapshots write to disk, so they keep the pool.
   */
  private static Executor callExecutor(ServerCall<?, ?> call, Metadata headers) {
    return call.getMethodDescriptor()
            .getFullMethodName()
            .equals(RaftTransportGrpc.getBatchesMethod().getFullMethodName())
        ? PeerStream.DIRECT
        : null;
  }

  private ManagedChannel channel(long peer, InetSocketAddress address) {
    ChannelCredentials creds =
        tls == null ? InsecureChannelCredentials.create() : tls.channelCredentials(peer);
    return NettyChannelBuilder.forAddress(address, creds)
        .maxInboundMessageSize(limits.maxFrameBytes())
        .keepAliveTime(10, TimeUnit.SECONDS)
        .keepAliveTimeout(5, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }

  private void checkStreams() {
    long now = System.nanoTime();
    for (PeerStream s : streams.values()) {
      try {
        s.check(now);
      } catch (RuntimeException e) {
        LOG.error("checking the stream to a peer failed", e);
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Settings of a {@link GrpcTransport}; defaults in each setter's comment. */
  public static final class Builder {
    private final long localId;
    private final InetSocketAddress listen;
    private final Map<Long, InetSocketAddress> peers = new HashMap<>();
    private TlsConfig tls;
    private boolean plaintext;
    private int queueFrames = 4096;
    private long queueBytes = 64L << 20;
    private int inFlightFrames = 256;
    private Duration ackTimeout = Duration.ofSeconds(2);
    private Duration minBackoff = Duration.ofMillis(20);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private int snapshotChunkBytes = 64 * 1024;
    private Duration snapshotStall = Duration.ofSeconds(30);
    private int maxFrameBytes = 64 << 20;

    private Builder(long localId, InetSocketAddress listen) {
      if (localId == 0) {
        throw new IllegalArgumentException("0 is not a server ID");
      }
      this.localId = localId;
      this.listen = Objects.requireNonNull(listen, "listen");
    }

    /** The other servers and their addresses (more may be added later with {@code setPeer}). */
    public Builder peers(Map<Long, InetSocketAddress> peers) {
      peers.forEach(
          (id, a) -> {
            if (id != localId) {
              this.peers.put(id, Objects.requireNonNull(a));
            }
          });
      return this;
    }

    /** Mutual TLS with this material. Required unless {@link #plaintext()} is called. */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls);
      return this;
    }

    /** Runs without TLS: no encryption, senders identified only by what they claim. */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    /** Frames waiting per peer before new ones are dropped (4096). */
    public Builder queueFrames(int n) {
      this.queueFrames = positive(n);
      return this;
    }

    /** Bytes waiting per peer before new frames are dropped (64 MiB). */
    public Builder queueBytes(long n) {
      this.queueBytes = positive(n);
      return this;
    }

    /** Frames written to a peer's stream and not yet acknowledged (256). */
    public Builder inFlightFrames(int n) {
      this.inFlightFrames = positive(n);
      return this;
    }

    /** How long a frame may wait for its acknowledgement before the stream is broken (2 s). */
    public Builder ackTimeout(Duration d) {
      this.ackTimeout = d;
      return this;
    }

    /** The first and the longest wait before reopening a broken stream (20 ms, 1 s). */
    public Builder reconnectBackoff(Duration min, Duration max) {
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("bad backoff " + min + ".." + max);
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** Snapshot chunk size (64 KiB). */
    public Builder snapshotChunkBytes(int n) {
      this.snapshotChunkBytes = positive(n);
      return this;
    }

    /** How long a snapshot receiver may take no data before the transfer fails (30 s). */
    public Builder snapshotStallTimeout(Duration d) {
      this.snapshotStall = d;
      return this;
    }

    /** The largest frame accepted (64 MiB). */
    public Builder maxFrameBytes(int n) {
      this.maxFrameBytes = positive(n);
      return this;
    }

    /**
     * Binds the listening socket and returns the transport.
     *
     * @throws IllegalStateException if neither TLS nor plaintext was chosen
     * @throws UncheckedIOException if the address cannot be bound
     */
    public GrpcTransport build() {
      if (tls == null && !plaintext) {
        throw new IllegalStateException(
            "no TLS configured: call tls(...) or, to run without security, plaintext()");
      }
      if (tls != null && plaintext) {
        throw new IllegalStateException("both tls(...) and plaintext() were set");
      }
      try {
        return new GrpcTransport(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + listen, e);
      }
    }

    private static int positive(int n) {
      if (n <= 0) {
        throw new IllegalArgumentException("must be positive: " + n);
      }
      return n;
    }

    private static long positive(long n) {
      if (n <= 0) {
        throw new IllegalArgumentException("must be positive: " + n);
      }
      return n;
    }
  }
}
