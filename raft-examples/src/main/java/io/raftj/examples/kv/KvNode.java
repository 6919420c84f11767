package io.raftj.examples.kv;

import io.raftj.server.Applied;
import io.raftj.server.GroupOptions;
import io.raftj.server.GroupStatus;
import io.raftj.server.Membership;
import io.raftj.server.RaftGroup;
import io.raftj.server.RaftServer;
import io.raftj.server.ReadPolicy;
import io.raftj.transport.grpc.GrpcTransport;
import io.raftj.transport.grpc.TlsConfig;
import io.raftj.transport.grpc.TransportMetrics;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the replicated key-value store: a {@link RaftServer} hosting the store's one group
 * ({@link #GROUP}) with {@link KvStore} as its state machine, over the gRPC transport. Plays the
 * role of {@code raftNode} in etcd's raftexample {@code raft.go}; the Ready loop, persistence,
 * snapshots and membership mechanics are raft-server's.
 *
 * <p>What this class adds is the store's own membership bookkeeping: the member table in the state
 * machine holds each member's peer URL (set before a member is added, so every member's transport
 * can reach it once the change commits) and client URL (proposed by each leader for itself when it
 * is elected, so followers know where to forward writes).
 */
final class KvNode implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(KvNode.class);

  /** The store's group on every member. */
  static final long GROUP = 1;

  private final ServerFlags flags;
  private final long id;
  private final GrpcTransport transport;
  private final RaftServer server;
  private final KvStore store;
  private final RaftGroup group;
  private final String clientUrl;
  private final Instant startTime = Instant.now();
  private final SaveCounter saves = new SaveCounter();
  private volatile boolean removed;
  private volatile LongConsumer leaderWatcher = l -> {};

  private KvNode(ServerFlags flags, GrpcTransport transport, String clientUrl) throws IOException {
    this.flags = flags;
    this.id = flags.id();
    this.transport = transport;
    this.clientUrl = clientUrl;
    this.server =
        RaftServer.builder(id, transport)
            .dataDir(flags.dataDir())
            .tickInterval(Duration.ofMillis(flags.tickMs()))
            .spinNanos(flags.spinMicros() * 1_000L)
            .logMemoryBudget(flags.logMemoryMb() << 20)
            .storageObserver(saves)
            .build();
    boolean ok = false;
    try {
      this.store = new KvStore(this::memberChanged);
      boolean restart = server.storedGroups().contains(GROUP);
      long[] ids = flags.peers().keySet().stream().mapToLong(Long::longValue).toArray();
      GroupOptions options =
          (flags.join() && !restart ? GroupOptions.joining(GROUP) : GroupOptions.of(GROUP, ids))
              .withTicks(flags.electionTicks(), 1)
              .withSnapshots(flags.snapshotEntries(), 0, flags.catchUpEntries())
              .withSnapshotLogRatio(flags.snapshotLogRatio())
              .withOperationTimeout(Duration.ofMillis(flags.requestTimeoutMs()))
              // KvStore applies a command with one map put, and its snapshot only freezes the map
              // (the snapshot thread streams it): applying on the loop thread saves each write a
              // hand-off to an apply thread, and the answer is written from that same thread.
              .withApplyOnLoopThread(true);
      LOG.info(
          "{} node {} in {}",
          restart ? "restarting" : flags.join() ? "joining as" : "starting",
          Long.toUnsignedString(id),
          flags.dataDir());
      this.group = server.createGroup(options, store);
      group.addLeaderListener((g, leader, term) -> leaderChanged(leader));
      ok = true;
    } finally {
      if (!ok) {
        server.close();
      }
    }
  }

  /**
   * Binds the peer port and opens the data directory (recovering what it holds).
   *
   * @throws IOException if the directory is unreadable, locked or corrupted, or the TLS files
   *     cannot be read
   * @throws UncheckedIOException if the peer port cannot be bound
   */
  static KvNode open(ServerFlags flags, String clientUrl) throws IOException {
    PeerUrl self = flags.peers().get(flags.id());
    GrpcTransport.Builder b = GrpcTransport.builder(flags.id(), self.address());
    Map<Long, java.net.InetSocketAddress> peers = new java.util.HashMap<>();
    for (Map.Entry<Long, PeerUrl> p : flags.peers().entrySet()) {
      if (p.getKey() != flags.id()) {
        peers.put(p.getKey(), p.getValue().address());
      }
    }
    b.peers(peers);
    ServerFlags.TlsFiles tls = flags.peerTls();
    if (tls != null) {
      TlsConfig config = TlsConfig.fromPem(tls.certFile(), tls.keyFile(), tls.trustedCaFile());
      if (config.certifiedId() != flags.id()) {
        throw new IOException(
            "--peer-cert-file "
                + tls.certFile()
                + " names server "
                + Long.toUnsignedString(config.certifiedId())
                + " (subject alternative name raftj://server/<id>),"
                + " not this node's --id "
                + Long.toUnsignedString(flags.id()));
      }
      b.tls(config);
    } else {
      b.plaintext();
      LOG.warn(
          "PLAINTEXT PEERS: node {} sends and accepts Raft messages without TLS on {}; anyone who"
              + " can reach that port can join the cluster's traffic. Use --peer-cert-file,"
              + " --peer-key-file and --peer-trusted-ca-file in production.",
          Long.toUnsignedString(flags.id()),
          self);
    }
    GrpcTransport transport = b.build();
    try {
      return new KvNode(flags, transport, clientUrl);
    } catch (IOException | RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /** On the apply thread: a member's URLs changed in the table (null: forgotten). */
  private void memberChanged(long member, KvStore.Member m) {
    if (member == id) {
      return;
    }
    if (m == null) {
      if (!flags.peers().containsKey(member)) {
        transport.removePeer(member);
      }
    } else if (!m.peerUrl().isEmpty()) {
      try {
        transport.setPeer(member, PeerUrl.parse(m.peerUrl()).address());
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "member {} has an unusable peer URL: {}",
            Long.toUnsignedString(member),
            e.getMessage());
      }
    }
  }

  /** On raft-server's event thread. */
  private void leaderChanged(long leader) {
    leaderWatcher.accept(leader);
    if (leader != id) {
      return;
    }
    KvStore.Member me = store.members().get(id);
    String peerUrl = flags.peers().get(id).text();
    if (me == null || !me.clientUrl().equals(clientUrl) || !me.peerUrl().equals(peerUrl)) {
      group
          .propose(KvCommand.member(id, peerUrl, clientUrl).encode())
          .whenComplete(
              (a, e) -> {
                if (e != null) {
                  LOG.info("could not record this leader's client URL yet: {}", e.toString());
                }
              });
    }
  }

  /** Calls {@code w} (on raft-server's event thread, quickly) with every leader change. */
  void watchLeader(LongConsumer w) {
    leaderWatcher = w;
  }

  CompletableFuture<Applied> propose(KvCommand c) {
    return group.propose(c.encode());
  }

  CompletableFuture<Object> read(Object query, boolean linearizable) {
    return group.read(query, linearizable ? ReadPolicy.LINEARIZABLE : ReadPolicy.LOCAL);
  }

  /** Records the member's peer URL in the table, then adds it to the group. */
  CompletableFuture<Membership> addMember(long member, String peerUrl, boolean learner) {
    return propose(KvCommand.member(member, peerUrl, ""))
        .thenCompose(a -> learner ? group.addLearner(member) : group.addVoter(member));
  }

  /** Removes the member from the group, then (best effort) from the table. */
  CompletableFuture<Membership> removeMember(long member) {
    return group
        .remove(member)
        .thenApply(
            m -> {
              if (member != id) {
                propose(KvCommand.forget(member));
              }
              return m;
            });
  }

  CompletableFuture<Membership> promote(long member) {
    return group.promote(member);
  }

  CompletableFuture<Void> transferLeadership(long member) {
    return group.transferLeadership(member);
  }

  GroupStatus status() {
    return group.status();
  }

  /**
   * Whether this node was removed from the cluster: its group stopped and its last membership does
   * not name it. Checked when an operation reports the group stopped.
   */
  boolean removed() {
    return removed;
  }

  /** Notes that the group reported itself stopped; returns {@link #removed()}. */
  boolean noteStopped() {
    GroupStatus s = group.status();
    if (!s.voters().contains(id) && !s.learners().contains(id) && !s.voters().isEmpty()) {
      markRemoved("it applied its own removal");
    }
    return removed;
  }

  /** Records that this node is no longer a member ({@code why} goes to the log). */
  void markRemoved(String why) {
    if (!removed) {
      removed = true;
      LOG.warn(
          "node {} was removed from the cluster ({}); it answers 410 from now on",
          Long.toUnsignedString(id),
          why);
    }
  }

  /** The members this node knows of: the group's, the member table's and {@code --peers}. */
  java.util.Set<Long> knownMembers() {
    java.util.Set<Long> all = new java.util.TreeSet<>(Long::compareUnsigned);
    GroupStatus s = group.status();
    all.addAll(s.voters());
    all.addAll(s.learners());
    all.addAll(store.members().keySet());
    all.addAll(flags.peers().keySet());
    return all;
  }

  /** The peer URL of {@code member}: from the member table, else from {@code --peers}; or null. */
  String peerUrl(long member) {
    KvStore.Member m = store.members().get(member);
    if (m != null && !m.peerUrl().isEmpty()) {
      return m.peerUrl();
    }
    PeerUrl p = flags.peers().get(member);
    return p == null ? null : p.text();
  }

  /** The client URL of {@code member} from the member table, or null. */
  String clientUrl(long member) {
    KvStore.Member m = store.members().get(member);
    return m == null || m.clientUrl().isEmpty() ? null : m.clientUrl();
  }

  long id() {
    return id;
  }

  ServerFlags flags() {
    return flags;
  }

  Instant startTime() {
    return startTime;
  }

  TransportMetrics transportMetrics() {
    return transport.metrics();
  }

  Map<String, Long> serverMetrics() {
    return server.metrics();
  }

  /** Storage writes that carried entries, each one fsync (see {@link SaveCounter}). */
  long entrySaves() {
    return saves.entrySaves();
  }

  /** Stops the group and the transport; the data directory is kept. */
  @Override
  public void close() {
    server.close();
  }
}
