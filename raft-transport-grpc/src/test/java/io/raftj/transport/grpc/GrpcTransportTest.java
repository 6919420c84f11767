package io.raftj.transport.grpc;

import static io.raftj.transport.grpc.RecordingInbound.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.server.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two or three transports on loopback, with recording receivers. */
final class GrpcTransportTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final List<GrpcTransport> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (GrpcTransport t : open) {
      t.close();
    }
  }

  private GrpcTransport.Builder plain(long id, int port) {
    return GrpcTransport.builder(id, new InetSocketAddress(LOOPBACK, port)).plaintext();
  }

  private GrpcTransport started(GrpcTransport.Builder b, long id, RecordingInbound in) {
    GrpcTransport t = b.build();
    open.add(t);
    t.start(id, in);
    return t;
  }

  @Test
  void batches_areDeliveredInOrderAndCounted() throws Exception {
    RecordingInbound a = new RecordingInbound();
    RecordingInbound b = new RecordingInbound();
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta = started(plain(1, 0).peers(Map.of(2L, tb.localAddress())), 1, a);
    tb.setPeer(1, ta.localAddress());
    for (long tag = 1; tag <= 100; tag++) {
      ta.send(2, tagged(1, 2, tag));
    }
    assertThat(b.await(() -> b.receivedCount() == 100)).isTrue();
    synchronized (b) {
      for (int i = 0; i < 100; i++) {
        assertThat(b.batches.get(i).messages().get(0).getIndex()).isEqualTo(i + 1);
        assertThat(b.batches.get(i).groupIds()).containsExactly(7);
      }
    }
    assertThat(a.unreachable).isEmpty();
    assertThat(ta.metrics().peer(2).messagesSent()).isEqualTo(100);
    assertThat(tb.metrics().peer(1).messagesReceived()).isEqualTo(100);
    assertThat(tb.metrics().peer(1).bytesReceived()).isEqualTo(ta.metrics().peer(2).bytesSent());
  }

  @Test
  void batches_areHandedOverOnTheNetworkThreadNotGrpcsPool() throws Exception {
    RecordingInbound b = new RecordingInbound();
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta =
        started(plain(1, 0).peers(Map.of(2L, tb.localAddress())), 1, new RecordingInbound());
    tb.setPeer(1, ta.localAddress());
    // gRPC switches a call to its executor once it has set the call up on its pool, and frames
    // that arrive meanwhile are handed over from the pool, in order. Frames sent one at a time:
    // once one arrives on the network thread, every later one must too.
    for (long tag = 1; tag <= 20; tag++) {
      ta.send(2, tagged(1, 2, tag));
      long n = tag;
      assertThat(b.await(() -> b.receivedCount() == n)).isTrue();
    }
    synchronized (b) {
      List<String> threads = b.receivingThreads;
      int first = 0;
      while (first < threads.size() && threads.get(first).startsWith("grpc-default-executor")) {
        first++;
      }
      assertThat(first).as("frames handed over from gRPC's pool: %s", threads).isLessThan(5);
      // One thread hop less per frame: a pooled thread must be woken for each frame otherwise.
      assertThat(threads.subList(first, threads.size()))
          .isNotEmpty()
          .noneMatch(t -> t.startsWith("grpc-default-executor"));
    }
  }

  @Test
  void batchesStub_runsItsCallbacksOnTheNetworkThread() {
    io.grpc.ManagedChannel ch =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                new InetSocketAddress(LOOPBACK, 1))
            .usePlaintext()
            .build();
    try {
      // Acknowledgements only count frames and write queued ones: no hop to gRPC's pool for them.
      assertThat(PeerStream.batchesStub(ch).getCallOptions().getExecutor())
          .isSameAs(PeerStream.DIRECT);
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void batches_beyondTheInFlightWindowAreDeliveredAsAcknowledgementsArrive() throws Exception {
    RecordingInbound b = new RecordingInbound();
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta =
        started(
            plain(1, 0).inFlightFrames(2).peers(Map.of(2L, tb.localAddress())),
            1,
            new RecordingInbound());
    tb.setPeer(1, ta.localAddress());
    int n = 50;
    for (long tag = 1; tag <= n; tag++) {
      ta.send(2, tagged(1, 2, tag));
    }
    assertThat(b.await(() -> b.receivedCount() == n)).isTrue();
    assertThat(ta.metrics().peer(2).messagesDropped()).isZero();
  }

  @Test
  void heartbeats_roundTripAsColumns() throws Exception {
    RecordingInbound b = new RecordingInbound();
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta =
        started(plain(1, 0).peers(Map.of(2L, tb.localAddress())), 1, new RecordingInbound());
    tb.setPeer(1, ta.localAddress());
    List<Transport.Heartbeat> hbs =
        List.of(
            new Transport.Heartbeat(-1L, 5, 9, Transport.HeartbeatKind.HEARTBEAT),
            new Transport.Heartbeat(3, 5, 0, Transport.HeartbeatKind.RESPONSE),
            new Transport.Heartbeat(4, 6, 12, Transport.HeartbeatKind.QUIESCE));
    ta.send(2, new io.raftj.server.MessageBatch(1, 2, new long[0], List.of(), hbs));
    assertThat(b.await(() -> b.receivedCount() == 1)).isTrue();
    synchronized (b) {
      assertThat(b.batches.get(0).heartbeats()).isEqualTo(hbs);
    }
  }

  @Test
  void restartedPeer_firstBatchAfterRestartIsDeliveredOrReportedUnreachable() throws Exception {
    RecordingInbound a = new RecordingInbound();
    RecordingInbound b = new RecordingInbound();
    GrpcTransport tb = started(plain(2, 0), 2, b);
    InetSocketAddress bAddress = tb.localAddress();
    GrpcTransport ta = started(plain(1, 0).peers(Map.of(2L, bAddress)), 1, a);
    tb.setPeer(1, ta.localAddress());
    ta.send(2, tagged(1, 2, 1));
    assertThat(b.await(() -> b.received(1))).isTrue();

    // Kill the peer and bring it back on the same port before the sender sends again: the
    // sender's connection is stale.
    tb.close();
    RecordingInbound b2 = new RecordingInbound();
    GrpcTransport tb2 =
        started(plain(2, bAddress.getPort()).peers(Map.of(1L, ta.localAddress())), 2, b2);
    int before = a.unreachableCount();
    ta.send(2, tagged(1, 2, 2));
    assertThat(a.await(() -> b2.received(2) || a.unreachableCount() > before))
        .as("the first batch after the restart is delivered or reported")
        .isTrue();

    // The stream comes back: a later batch gets through.
    assertThat(sendUntil(ta, b2, 3, t -> b2.received(t))).isTrue();
    assertThat(ta.metrics().peer(2).reconnects()).isGreaterThanOrEqualTo(1);
    assertThat(tb2.metrics().peer(1).messagesReceived()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void deadPeer_isReportedUnreachableAndDropsAreCounted() throws Exception {
    RecordingInbound a = new RecordingInbound();
    RecordingInbound b = new RecordingInbound();
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta = started(plain(1, 0).peers(Map.of(2L, tb.localAddress())), 1, a);
    tb.setPeer(1, ta.localAddress());
    ta.send(2, tagged(1, 2, 1));
    assertThat(b.await(() -> b.received(1))).isTrue();
    tb.close();
    assertThat(sendUntil(ta, a, 2, t -> a.unreachableCount() > 0)).isTrue();
    assertThat(a.unreachable).containsOnly(2L);
    assertThat(ta.metrics().peer(2).messagesDropped()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void fullQueue_dropsTheNewBatchAndReportsUnreachable() throws Exception {
    RecordingInbound a = new RecordingInbound();
    RecordingInbound b = new RecordingInbound();
    CountDownLatch gate = new CountDownLatch(1);
    b.gate = gate; // the receiver stalls: nothing is acknowledged
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta =
        started(
            plain(1, 0)
                .peers(Map.of(2L, tb.localAddress()))
                .inFlightFrames(1)
                .queueFrames(2)
                .ackTimeout(Duration.ofSeconds(60)),
            1,
            a);
    tb.setPeer(1, ta.localAddress());
    for (long tag = 1; tag <= 4; tag++) {
      ta.send(2, tagged(1, 2, tag));
    }
    // At most one in flight and two queued: the fourth at least was dropped, and reported at once.
    assertThat(a.unreachable).isNotEmpty().containsOnly(2L);
    long dropped = ta.metrics().peer(2).messagesDropped();
    assertThat(dropped).isBetween(1L, 2L);
    gate.countDown();
    assertThat(b.await(() -> b.receivedCount() == 4 - dropped)).isTrue();
    assertThat(b.received(1)).isTrue();
    assertThat(b.received(4)).isFalse();
  }

  @Test
  void snapshot_streamsMegabytesInBoundedChunksAndCompletesOnce() throws Exception {
    RecordingInbound a = new RecordingInbound();
    RecordingInbound b = new RecordingInbound();
    int size = 5 * 1024 * 1024 + 123;
    CRC32C received = new CRC32C();
    AtomicInteger chunks = new AtomicInteger();
    AtomicInteger largest = new AtomicInteger();
    CompletableFuture<Long> finished = new CompletableFuture<>();
    b.sinks =
        (from, group, m) -> {
          assertThat(from).isEqualTo(1);
          assertThat(group).isEqualTo(9);
          assertThat(m.getType()).isEqualTo(MessageType.MsgSnap);
          return new Transport.SnapshotSink() {
            long bytes;

            @Override
            public void write(ByteBuffer chunk) {
              chunks.incrementAndGet();
              largest.accumulateAndGet(chunk.remaining(), Math::max);
              bytes += chunk.remaining();
              received.update(chunk);
            }

            @Override
            public void finish() {
              finished.complete(bytes);
            }

            @Override
            public void abort(Throwable cause) {
              finished.completeExceptionally(cause);
            }
          };
        };
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta = started(plain(1, 0).peers(Map.of(2L, tb.localAddress())), 1, a);
    tb.setPeer(1, ta.localAddress());
    Outgoing out = new Outgoing(9, snapMessage(1, 2), size);
    ta.sendSnapshot(2, out);
    assertThat(out.outcome.get(60, TimeUnit.SECONDS)).isTrue();
    assertThat(finished.get(10, TimeUnit.SECONDS)).isEqualTo(size);
    assertThat(received.getValue()).isEqualTo(out.crc.getValue());
    assertThat(largest.get()).isLessThanOrEqualTo(64 * 1024);
    assertThat(chunks.get()).isGreaterThanOrEqualTo(size / (64 * 1024));
    assertThat(out.calls.get()).isEqualTo(1);
    assertThat(ta.metrics().peer(2).snapshotsSent()).isEqualTo(1);
  }

  @Test
  void snapshot_refusedByTheReceiver_reportsFailureOnce() throws Exception {
    RecordingInbound b = new RecordingInbound(); // its sink factory throws
    GrpcTransport tb = started(plain(2, 0), 2, b);
    GrpcTransport ta =
        started(plain(1, 0).peers(Map.of(2L, tb.localAddress())), 1, new RecordingInbound());
    tb.setPeer(1, ta.localAddress());
    Outgoing out = new Outgoing(9, snapMessage(1, 2), 3 * 1024 * 1024);
    ta.sendSnapshot(2, out);
    assertThat(out.outcome.get(60, TimeUnit.SECONDS)).isFalse();
    assertThat(out.calls.get()).isEqualTo(1);
    assertThat(ta.metrics().peer(2).snapshotsFailed()).isEqualTo(1);
  }

  @Test
  void plaintext_mustBeAskedFor() {
    assertThatThrownBy(() -> GrpcTransport.builder(1, new InetSocketAddress(LOOPBACK, 0)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plaintext()");
  }

  @Test
  void unknownSender_isRefusedAndCounted() throws Exception {
    RecordingInbound b = new RecordingInbound();
    RecordingInbound stranger = new RecordingInbound();
    GrpcTransport tb =
        started(plain(2, 0).peers(Map.of(1L, new InetSocketAddress(LOOPBACK, 1))), 2, b);
    GrpcTransport ts = started(plain(9, 0).peers(Map.of(2L, tb.localAddress())), 9, stranger);
    ts.send(2, tagged(9, 2, 1));
    assertThat(stranger.await(() -> tb.metrics().refused() > 0 && stranger.unreachableCount() > 0))
        .isTrue();
    assertThat(b.receivedCount()).isZero();
  }

  /** Sends tagged batches from 1 to 2, one each 200 ms, until {@code done} holds (20 s at most). */
  private static boolean sendUntil(
      GrpcTransport from,
      RecordingInbound monitor,
      long firstTag,
      java.util.function.LongPredicate done)
      throws InterruptedException {
    for (long tag = firstTag; tag < firstTag + 100; tag++) {
      long t = tag;
      from.send(2, tagged(1, 2, t));
      if (monitor.await(() -> done.test(t), 200)) {
        return true;
      }
    }
    return false;
  }

  static Message snapMessage(long from, long to) {
    return Message.newBuilder()
        .setType(MessageType.MsgSnap)
        .setFrom(from)
        .setTo(to)
        .setTerm(3)
        .setSnapshot(
            Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(100).setTerm(3)))
        .build();
  }

  /** A snapshot of {@code size} pseudo-random bytes, generated as it is read. */
  static final class Outgoing implements Transport.OutgoingSnapshot {
    final long group;
    final Message message;
    final int size;
    final CRC32C crc = new CRC32C();
    final AtomicInteger calls = new AtomicInteger();
    final CompletableFuture<Boolean> outcome = new CompletableFuture<>();

    Outgoing(long group, Message message, int size) {
      this.group = group;
      this.message = message;
      this.size = size;
    }

    @Override
    public long groupId() {
      return group;
    }

    @Override
    public Message message() {
      return message;
    }

    @Override
    public InputStream open() {
      return new InputStream() {
        int pos;
        long x = 0x9E3779B97F4A7C15L;

        @Override
        public int read() {
          if (pos == size) {
            return -1;
          }
          pos++;
          x ^= x << 13;
          x ^= x >>> 7;
          x ^= x << 17;
          int v = (int) (x & 0xff);
          crc.update(v);
          return v;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (pos == size) {
            return -1;
          }
          int n = Math.min(len, size - pos);
          for (int i = 0; i < n; i++) {
            b[off + i] = (byte) read();
          }
          return n;
        }
      };
    }

    @Override
    public void completed(boolean delivered) {
      calls.incrementAndGet();
      outcome.complete(delivered);
    }
  }
}
