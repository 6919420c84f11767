package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.SnapshotStatus;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The peer transport on loopback: delivery in order, and what it reports when it cannot deliver. */
final class PeerTransportTest {

  /** What a transport reported, as strings such as {@code "unreachable 2"}. */
  private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
  private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private final PeerTransport.Reporter reporter = new PeerTransport.Reporter() {
    @Override
    public void reportUnreachable(long id) {
      reports.add("unreachable " + id);
    }

    @Override
    public void reportSnapshot(long id, SnapshotStatus status) {
      reports.add("snapshot " + id + " " + status);
    }
  };

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private PeerTransport transport(long id, int port, BlockingQueue<Message> inbox) throws IOException {
    PeerTransport t = new PeerTransport(id, new InetSocketAddress("127.0.0.1", port), inbox::add, reporter,
        new TransportStats());
    t.start();
    toClose.add(t);
    return t;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Message msg(MessageType type, long to, long index) {
    return Message.newBuilder().setType(type).setFrom(1).setTo(to).setIndex(index).build();
  }

  private static Message snap(long to) {
    return Message.newBuilder().setType(MessageType.MsgSnap).setFrom(1).setTo(to)
        .setSnapshot(Snapshot.newBuilder().setData(ByteString.copyFromUtf8("state"))
            .setMetadata(SnapshotMetadata.newBuilder().setIndex(7).setTerm(2)))
        .build();
  }

  @Test
  void messages_arriveInOrder_andASentSnapshotIsReportedFinished() throws Exception {
    int port2 = freePort();
    PeerTransport t1 = transport(1, freePort(), new LinkedBlockingQueue<>());
    transport(2, port2, received);
    t1.setPeer(2, PeerUrl.parse("http://127.0.0.1:" + port2));

    List<Message> batch = new ArrayList<>();
    for (long i = 1; i <= 100; i++) {
      batch.add(msg(MessageType.MsgApp, 2, i));
    }
    batch.add(snap(2));
    batch.add(msg(MessageType.MsgHeartbeat, 1, 0)); // to itself: never sent
    t1.send(batch);

    for (long i = 1; i <= 100; i++) {
      Message m = received.poll(10, TimeUnit.SECONDS);
      assertThat(m).isNotNull();
      assertThat(m.getIndex()).isEqualTo(i);
    }
    Message s = received.poll(10, TimeUnit.SECONDS);
    assertThat(s).isEqualTo(snap(2));
    assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("snapshot 2 SNAPSHOT_FINISH");
    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void unreachablePeer_isReported_andItsSnapshotFails() throws Exception {
    PeerTransport t1 = transport(1, freePort(), new LinkedBlockingQueue<>());
    t1.setPeer(3, PeerUrl.parse("http://127.0.0.1:" + freePort())); // nobody listens
    t1.send(List.of(snap(3)));
    List<String> seen = new ArrayList<>();
    seen.add(reports.poll(10, TimeUnit.SECONDS));
    seen.add(reports.poll(10, TimeUnit.SECONDS));
    assertThat(seen).containsExactlyInAnyOrder("snapshot 3 SNAPSHOT_FAILURE", "unreachable 3");
  }

  @Test
  void fullQueue_dropsAndReportsUnreachable_insteadOfBlocking() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) { // accepts, never reads
      PeerTransport t1 = transport(1, freePort(), new LinkedBlockingQueue<>());
      t1.setPeer(4, PeerUrl.parse("http://127.0.0.1:" + silent.getLocalPort()));
      Message big = Message.newBuilder().setType(MessageType.MsgApp).setFrom(1).setTo(4)
          .addEntries(Entry.newBuilder().setData(ByteString.copyFrom(new byte[64 << 10]))).build();
      List<Message> flood = new ArrayList<>();
      for (int i = 0; i < 2 * PeerTransport.QUEUE_CAPACITY; i++) {
        flood.add(big);
      }
      long start = System.nanoTime();
      t1.send(flood);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
      assertThat(reports.poll(10, TimeUnit.SECONDS)).isEqualTo("unreachable 4");
    }
  }

  @Test
  void messageToUnknownPeer_isDropped() {
    TransportStats stats = new TransportStats();
    try (PeerTransport t = new PeerTransport(1, new InetSocketAddress("127.0.0.1", 0), m -> { }, reporter, stats)) {
      t.send(List.of(msg(MessageType.MsgApp, 9, 1)));
      assertThat(stats.dropped.sum()).isEqualTo(1);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
