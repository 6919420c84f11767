package io.raftj.transport.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftj.server.Transport;
import io.raftj.transport.grpc.wire.Ack;
import io.raftj.transport.grpc.wire.Frame;
import io.raftj.transport.grpc.wire.RaftTransportGrpc;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing stream to one peer: a bounded queue of frames, a window of frames written but not
 * yet acknowledged, and the stream itself, reopened with backoff after it breaks.
 *
 * <p>The receiver acknowledges frames by count once it has handed them to its server. When the
 * stream breaks (the peer closed or restarted, the connection reset, an acknowledgement is
 * overdue), every frame still queued or unacknowledged is counted dropped and the peer is reported
 * unreachable: nothing is lost silently on a stale connection. While the stream is down and the
 * backoff runs, batches are dropped and reported at once. Thread-safe: one lock per peer; gRPC
 * calls back on its own threads.
 */
final class PeerStream {

  private static final Logger LOG = LoggerFactory.getLogger(PeerStream.class);

  private record Queued(Frame frame, int messages, long at) {}

  private record Sent(int messages, long at) {}

  private final long peerId;
  private final GrpcTransport.Limits limits;
  private final PeerCounters counters;
  private final Transport.Inbound inbound;
  private final ManagedChannel channel;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
  private long queuedBytes;
  private ClientCallStreamObserver<Frame> stream;
  private int generation;
  private boolean everOpened;
  private boolean closed;
  private long retryAtNanos;
  private long backoffNanos;
  private boolean warned;

  PeerStream(
      long peerId,
      ManagedChannel channel,
      GrpcTransport.Limits limits,
      PeerCounters counters,
      Transport.Inbound inbound) {
    this.peerId = peerId;
    this.channel = channel;
    this.limits = limits;
    this.counters = counters;
    this.inbound = inbound;
    this.backoffNanos = limits.minBackoffNanos();
    this.retryAtNanos = System.nanoTime();
  }

  ManagedChannel channel() {
    return channel;
  }

  /** Queues {@code f} (or drops it and reports the peer unreachable). Never blocks. */
  void send(Frame f) {
    int messages = FrameCodec.count(f);
    boolean dropped;
    synchronized (this) {
      long now = System.nanoTime();
      if (!closed && stream == null && now - retryAtNanos >= 0) {
        open();
      }
      int size = f.getSerializedSize();
      dropped =
          closed
              || stream == null
              || queue.size() >= limits.queueFrames()
              || queuedBytes + size > limits.queueBytes();
      if (!dropped) {
        queue.add(new Queued(f, messages, now));
        queuedBytes += size;
        drain();
      }
    }
    if (dropped) {
      counters.messagesDropped.add(messages);
      if (messages > 0) {
        inbound.unreachable(peerId);
      }
    }
  }

  /** Breaks the stream if an acknowledgement or a queued frame is overdue. */
  void check(long now) {
    int lost;
    synchronized (this) {
      if (stream == null) {
        return;
      }
      Sent oldest = inFlight.peek();
      Queued waiting = queue.peek();
      boolean overdue =
          oldest != null && now - oldest.at() > limits.ackTimeoutNanos()
              || waiting != null && now - waiting.at() > limits.ackTimeoutNanos();
      if (!overdue) {
        return;
      }
      ClientCallStreamObserver<Frame> s = stream;
      lost = breakStream(false);
      s.cancel("no acknowledgement within the timeout", null);
    }
    reportBroken(lost, "no acknowledgement within " + limits.ackTimeoutNanos() / 1_000_000 + " ms");
  }

  /** Stops: what is queued or unacknowledged is dropped, without reports. */
  void close() {
    synchronized (this) {
      closed = true;
      if (stream != null) {
        ClientCallStreamObserver<Frame> s = stream;
        counters.messagesDropped.add(breakStream(false));
        s.onCompleted();
      }
    }
    channel.shutdownNow();
  }

  // Guarded by this.
  private void open() {
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff(); // our own backoff decides when to try again
    }
    int gen = ++generation;
    if (everOpened) {
      counters.reconnects.increment();
    }
    everOpened = true;
    stream = (ClientCallStreamObserver<Frame>) batchesStub(channel).batches(new Responses(gen));
  }

  /**
   * The stub of the {@code batches} stream. Its callbacks (acknowledgements, readiness) run on the
   * connection's network thread: each only counts and writes queued frames under this stream's
   * short lock, and a hand-off to gRPC's pool would wake one more thread per acknowledgement.
   */
  static RaftTransportGrpc.RaftTransportStub batchesStub(ManagedChannel channel) {
    return RaftTransportGrpc.newStub(channel).withExecutor(DIRECT);
  }

  /** Runs a task on the calling thread. */
  static final java.util.concurrent.Executor DIRECT = Runnable::run;

  // Guarded by this.
  private void drain() {
    while (stream != null
        && !queue.isEmpty()
        && inFlight.size() < limits.inFlightFrames()
        && stream.isReady()) {
      Queued q = queue.poll();
      int size = q.frame().getSerializedSize();
      queuedBytes -= size;
      stream.onNext(q.frame());
      inFlight.add(new Sent(q.messages(), System.nanoTime()));
      counters.messagesSent.add(q.messages());
      counters.bytesSent.add(size);
    }
  }

  // Guarded by this: forgets the stream and returns the messages it loses.
  private int breakStream(boolean healthy) {
    int lost = 0;
    for (Sent s : inFlight) {
      lost += s.messages();
    }
    for (Queued q : queue) {
      lost += q.messages();
    }
    inFlight.clear();
    queue.clear();
    queuedBytes = 0;
    stream = null;
    generation++;
    long now = System.nanoTime();
    if (healthy) {
      backoffNanos = limits.minBackoffNanos();
      retryAtNanos = now;
    } else {
      retryAtNanos = now + backoffNanos;
      backoffNanos = Math.min(backoffNanos * 2, limits.maxBackoffNanos());
    }
    return lost;
  }

  private void reportBroken(int lost, String why) {
    counters.messagesDropped.add(lost);
    boolean first;
    synchronized (this) {
      first = !warned;
      warned = true;
    }
    if (first) {
      LOG.warn(
          "stream to server {} broke ({}); {} message(s) lost{}",
          Long.toUnsignedString(peerId),
          why,
          lost,
          lost > 0 ? ", reported unreachable" : "");
    } else {
      LOG.debug(
          "stream to server {} broke again ({}); {} message(s) lost",
          Long.toUnsignedString(peerId),
          why,
          lost);
    }
    if (lost > 0) {
      inbound.unreachable(peerId);
    }
  }

  private final class Responses implements ClientResponseObserver<Frame, Ack> {
    private final int gen;
    private long acked;

    Responses(int gen) {
      this.gen = gen;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Frame> requests) {
      requests.setOnReadyHandler(
          () -> {
            synchronized (PeerStream.this) {
              if (gen == generation) {
                drain();
              }
            }
          });
    }

    @Override
    public void onNext(Ack ack) {
      synchronized (PeerStream.this) {
        if (gen != generation) {
          return;
        }
        while (acked < ack.getCount() && !inFlight.isEmpty()) {
          inFlight.poll();
          acked++;
        }
        if (warned) {
          warned = false;
          LOG.info("stream to server {} is up", Long.toUnsignedString(peerId));
        }
        backoffNanos = limits.minBackoffNanos();
        drain();
      }
    }

    @Override
    public void onError(Throwable t) {
      broken(t.toString());
    }

    @Override
    public void onCompleted() {
      broken("closed by the peer");
    }

    private void broken(String why) {
      int lost;
      synchronized (PeerStream.this) {
        if (gen != generation) {
          return;
        }
        lost = breakStream(acked > 0);
      }
      reportBroken(lost, why);
    }
  }
}
