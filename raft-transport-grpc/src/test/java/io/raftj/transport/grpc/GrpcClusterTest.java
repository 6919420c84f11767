package io.raftj.transport.grpc;

import static io.raftj.transport.grpc.RecordingInbound.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.server.GroupOptions;
import io.raftj.server.LeaderListener;
import io.raftj.server.NotLeaderException;
import io.raftj.server.ProposalLostException;
import io.raftj.server.RaftGroup;
import io.raftj.server.RaftServer;
import io.raftj.server.ReadPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real {@link RaftServer}s on real threads, talking over mutual TLS on loopback. */
final class GrpcClusterTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long GROUP = 42;

  @TempDir Path dir;

  private final TestCerts certs;
  private final Map<Long, GrpcTransport> transports = new HashMap<>();
  private final Map<Long, RaftServer> servers = new HashMap<>();
  private final List<AutoCloseable> extra = new ArrayList<>();

  GrpcClusterTest() throws Exception {
    certs = new TestCerts("raftj test CA");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (RaftServer s : servers.values()) {
      s.close();
    }
    for (GrpcTransport t : transports.values()) {
      t.close();
    }
    for (AutoCloseable c : extra) {
      c.close();
    }
  }

  /** Binds transports for {@code ids} on ephemeral ports and tells each the others' addresses. */
  private void bind(long... ids) throws Exception {
    for (long id : ids) {
      transports.put(id, transport(id, 0, certs.server(id)));
    }
    for (GrpcTransport t : transports.values()) {
      transports.forEach(
          (id, other) -> {
            if (other != t) {
              t.setPeer(id, other.localAddress());
            }
          });
    }
  }

  private GrpcTransport transport(long id, int port, TlsConfig tls) {
    Map<Long, InetSocketAddress> peers = new HashMap<>();
    transports.forEach(
        (pid, t) -> {
          if (pid != id) {
            peers.put(pid, t.localAddress());
          }
        });
    return GrpcTransport.builder(id, new InetSocketAddress(LOOPBACK, port))
        .tls(tls)
        .peers(peers)
        .build();
  }

  private RaftServer server(long id, GroupOptions options) throws Exception {
    RaftServer s =
        RaftServer.builder(id, transports.get(id))
            .tickInterval(Duration.ofMillis(10))
            .dataDir(dir.resolve("s" + id))
            .loopThreads(1)
            .applyThreads(1)
            .build();
    s.createGroup(options, new BytesStateMachine());
    servers.put(id, s);
    return s;
  }

  /**
   * The current leader. A listener wakes the wait, but the status is checked on each turn too: a
   * leader elected just before the listeners were added is published in its status only after the
   * event was (not) sent, so each wait is short.
   */
  private RaftGroup leader() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      CompletableFuture<Void> changed = new CompletableFuture<>();
      LeaderListener listener = (group, leader, term) -> changed.complete(null);
      List<RaftGroup> groups = new ArrayList<>();
      for (RaftServer s : servers.values()) {
        groups.add(s.group(GROUP));
      }
      for (RaftGroup g : groups) {
        g.addLeaderListener(listener);
      }
      try {
        for (RaftGroup g : groups) {
          if (g.status().isLeader()) {
            return g;
          }
        }
        try {
          changed.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // look at the statuses again
        }
      } finally {
        for (RaftGroup g : groups) {
          g.removeLeaderListener(listener);
        }
      }
    }
    throw new AssertionError("no leader within 120 s");
  }

  private static ByteString command(SplittableRandom r, int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) r.nextInt();
    }
    return ByteString.copyFrom(b);
  }

  /** Proposes on the current leader until applied; retries where nothing was applied. */
  private void propose(ByteString command) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        leader().propose(command).get(60, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException)
            && !(e.getCause() instanceof ProposalLostException)) {
          throw e;
        }
      }
    }
    throw new AssertionError("no proposal got through in 100 attempts");
  }

  /** A linearizable read on {@code g}, retried while its group has no leader. */
  private static Object read(RaftGroup g, String query) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        return g.read(query, ReadPolicy.LINEARIZABLE).get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException)) {
          throw e;
        }
        CompletableFuture<Void> led = new CompletableFuture<>();
        g.addLeaderListener(
            (group, leader, term) -> {
              if (leader != 0) {
                led.complete(null);
              }
            });
        if (g.status().leader() == 0) {
          led.get(60, TimeUnit.SECONDS);
        }
      }
    }
    throw new AssertionError("no read got through in 100 attempts");
  }

  @Test
  void threeServersOverMutualTls_commitAndAgree_andARestartedFollowerCatchesUp() throws Exception {
    bind(1, 2, 3);
    GroupOptions options = GroupOptions.of(GROUP, 1, 2, 3).withTicks(30, 1);
    for (long id = 1; id <= 3; id++) {
      server(id, options);
    }
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      propose(command(r, 100));
    }
    long digest = (Long) read(leader(), "digest");
    for (RaftServer s : servers.values()) {
      assertThat(read(s.group(GROUP), "digest")).isEqualTo(digest);
    }

    // Kill a follower and restart it on the same port from its data directory.
    long follower = leader().serverId() == 3 ? 2 : 3;
    int port = transports.get(follower).localAddress().getPort();
    servers.remove(follower).close(); // closes its transport too
    transports.remove(follower);
    for (int i = 0; i < 50; i++) {
      propose(command(r, 100));
    }
    transports.put(follower, transport(follower, port, certs.server(follower)));
    server(follower, options);
    for (int i = 0; i < 50; i++) {
      propose(command(r, 100));
    }
    long after = (Long) read(leader(), "digest");
    assertThat(read(servers.get(follower).group(GROUP), "digest")).isEqualTo(after);
    assertThat(read(servers.get(follower).group(GROUP), "count")).isEqualTo(300);
    long reconnects = 0;
    for (long id = 1; id <= 3; id++) {
      if (id != follower) {
        reconnects += transports.get(id).metrics().peer(follower).reconnects();
        assertThat(transports.get(id).metrics().refused()).isZero();
      }
    }
    assertThat(reconnects).isGreaterThanOrEqualTo(1);
  }

  /**
   * Sends a batch each 200 ms until {@code done} holds (20 s at most): under load, a first
   * connection may outlast the acknowledgement timeout and drop its batch (reported).
   */
  private static boolean sendUntil(
      GrpcTransport from,
      long to,
      RecordingInbound monitor,
      java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long self = from.localId();
    for (long tag = 1; tag <= 100; tag++) {
      from.send(to, tagged(self, to, tag));
      if (monitor.await(done, 200)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void laggingFollower_getsAMultiMegabyteSnapshotInChunks() throws Exception {
    bind(1, 2, 3);
    GroupOptions options =
        GroupOptions.of(GROUP, 1, 2, 3).withTicks(30, 1).withSnapshots(20, 1 << 20, 5);
    server(1, options);
    server(2, options);
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 48; i++) {
      propose(command(r, 128 * 1024)); // 6 MiB in all
    }
    server(3, options); // starts behind the leader's compacted log
    RaftGroup third = servers.get(3L).group(GROUP);
    RaftGroup leader = leader();
    long digest = (Long) read(leader, "digest");
    assertThat(read(third, "digest")).isEqualTo(digest);
    assertThat((Long) read(third, "bytes")).isEqualTo(48L * 128 * 1024);
    assertThat((Integer) read(third, "restores")).isGreaterThanOrEqualTo(1);
    TransportMetrics.Peer one = transports.get(1L).metrics().peer(3);
    TransportMetrics.Peer two = transports.get(2L).metrics().peer(3);
    assertThat(one.snapshotsSent() + two.snapshotsSent()).isGreaterThanOrEqualTo(1);
    assertThat(one.bytesSent() + two.bytesSent()).isGreaterThan(6L << 20);
    assertThat(
            transports.get(3L).metrics().peer(1).bytesReceived()
                + transports.get(3L).metrics().peer(2).bytesReceived())
        .isGreaterThan(6L << 20);
  }

  @Test
  void impostor_certificateForAnotherId_isRefusedAndCounted() throws Exception {
    RecordingInbound real = new RecordingInbound();
    RecordingInbound fake = new RecordingInbound();
    GrpcTransport one = transport(1, 0, certs.server(1));
    extra.add(one);
    one.start(1, real);
    // Server 3 is a member, but this process holds server 2's certificate.
    GrpcTransport impostor =
        GrpcTransport.builder(3, new InetSocketAddress(LOOPBACK, 0))
            .tls(certs.server(2))
            .peers(Map.of(1L, one.localAddress()))
            .build();
    extra.add(impostor);
    impostor.start(3, fake);
    one.setPeer(2, new InetSocketAddress(LOOPBACK, 1));
    one.setPeer(3, impostor.localAddress());
    assertThat(
            sendUntil(
                impostor,
                1,
                fake,
                () -> one.metrics().refused() > 0 && fake.unreachableCount() > 0))
        .isTrue();
    // And server 1 will not talk to it either: its certificate does not name server 3.
    assertThat(sendUntil(one, 3, real, () -> real.unreachableCount() > 0)).isTrue();
    assertThat(real.receivedCount()).isZero();
    assertThat(fake.receivedCount()).isZero();
  }

  @Test
  void certificateFromAnotherAuthority_isRefusedAndCounted() throws Exception {
    RecordingInbound real = new RecordingInbound();
    RecordingInbound fake = new RecordingInbound();
    GrpcTransport one = transport(1, 0, certs.server(1));
    extra.add(one);
    one.start(1, real);
    GrpcTransport stranger =
        GrpcTransport.builder(2, new InetSocketAddress(LOOPBACK, 0))
            .tls(new TestCerts("another CA").server(2))
            .peers(Map.of(1L, one.localAddress()))
            .build();
    extra.add(stranger);
    stranger.start(2, fake);
    one.setPeer(2, stranger.localAddress());
    assertThat(sendUntil(stranger, 1, fake, () -> fake.unreachableCount() > 0)).isTrue();
    assertThat(real.receivedCount()).isZero();
  }

  @Test
  void pemFiles_nameTheirServer_andAnotherServersAreRefusedAtConstruction() throws Exception {
    TlsConfig pem = certs.pem(2, dir);
    assertThat(pem.certifiedId()).isEqualTo(2);
    assertThatThrownBy(
            () -> GrpcTransport.builder(3, new InetSocketAddress(LOOPBACK, 0)).tls(pem).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names server 2");
  }

  @Test
  void pemFiles_carryMutualTlsTraffic() throws Exception {
    RecordingInbound a = new RecordingInbound();
    RecordingInbound b = new RecordingInbound();
    Path da = java.nio.file.Files.createDirectories(dir.resolve("a"));
    Path db = java.nio.file.Files.createDirectories(dir.resolve("b"));
    GrpcTransport tb =
        GrpcTransport.builder(2, new InetSocketAddress(LOOPBACK, 0)).tls(certs.pem(2, db)).build();
    extra.add(tb);
    GrpcTransport ta =
        GrpcTransport.builder(1, new InetSocketAddress(LOOPBACK, 0))
            .tls(certs.pem(1, da))
            .peers(Map.of(2L, tb.localAddress()))
            .build();
    extra.add(ta);
    tb.setPeer(1, ta.localAddress());
    ta.start(1, a);
    tb.start(2, b);
    assertThat(sendUntil(ta, 2, b, () -> b.receivedCount() > 0)).isTrue();
    assertThat(tb.metrics().peer(1).messagesReceived()).isGreaterThanOrEqualTo(1);
  }
}
