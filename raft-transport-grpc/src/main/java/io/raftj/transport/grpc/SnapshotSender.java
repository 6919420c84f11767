package io.raftj.transport.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftj.server.Transport;
import io.raftj.transport.grpc.wire.RaftTransportGrpc;
import io.raftj.transport.grpc.wire.SnapshotChunk;
import io.raftj.transport.grpc.wire.SnapshotHeader;
import io.raftj.transport.grpc.wire.SnapshotResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one snapshot on its own call: the header, then chunks read from the state machine's
 * stream, each written only when gRPC's flow control says the call is ready (so at most about one
 * chunk waits in memory on each side), then waits for the receiver's verdict. Reports {@link
 * Transport.OutgoingSnapshot#completed} exactly once. Runs on one of the transport's snapshot
 * threads; {@link #cancel} may come from any thread.
 */
final class SnapshotSender implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);

  private final long from;
  private final long to;
  private final Transport.OutgoingSnapshot snapshot;
  private final ManagedChannel channel;
  private final GrpcTransport.Limits limits;
  private final PeerCounters counters;
  private final Runnable onDone;
  private final AtomicBoolean reported = new AtomicBoolean();
  private final CompletableFuture<SnapshotResult> result = new CompletableFuture<>();
  private final Object ready = new Object();
  private volatile ClientCallStreamObserver<SnapshotChunk> call;

  SnapshotSender(
      long from,
      long to,
      Transport.OutgoingSnapshot snapshot,
      ManagedChannel channel,
      GrpcTransport.Limits limits,
      PeerCounters counters,
      Runnable onDone) {
    this.from = from;
    this.to = to;
    this.snapshot = snapshot;
    this.channel = channel;
    this.limits = limits;
    this.counters = counters;
    this.onDone = onDone;
  }

  @Override
  public void run() {
    boolean ok = false;
    try {
      ok = transfer();
    } catch (IOException | RuntimeException | TimeoutException | ExecutionException e) {
      LOG.warn(
          "snapshot of group {} to server {} failed: {}",
          Long.toUnsignedString(snapshot.groupId()),
          Long.toUnsignedString(to),
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ClientCallStreamObserver<SnapshotChunk> c = call;
      if (!ok && c != null) {
        c.cancel("snapshot transfer failed", null);
      }
      report(ok);
    }
  }

  /** Fails the transfer now (the transport is closing). */
  void cancel() {
    result.completeExceptionally(new IOException("transport closed"));
    wake();
    report(false);
  }

  private void report(boolean delivered) {
    if (reported.compareAndSet(false, true)) {
      (delivered ? counters.snapshotsSent : counters.snapshotsFailed).increment();
      onDone.run();
      snapshot.completed(delivered);
    }
  }

  private boolean transfer()
      throws IOException, InterruptedException, TimeoutException, ExecutionException {
    call =
        (ClientCallStreamObserver<SnapshotChunk>)
            RaftTransportGrpc.newStub(channel)
                .snapshot(
                    new ClientResponseObserver<SnapshotChunk, SnapshotResult>() {
                      @Override
                      public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requests) {
                        requests.setOnReadyHandler(SnapshotSender.this::wake);
                      }

                      @Override
                      public void onNext(SnapshotResult r) {
                        result.complete(r);
                      }

                      @Override
                      public void onError(Throwable t) {
                        result.completeExceptionally(t);
                        wake();
                      }

                      @Override
                      public void onCompleted() {
                        result.completeExceptionally(
                            new IOException("no result from the receiver"));
                        wake();
                      }
                    });
    SnapshotChunk header =
        SnapshotChunk.newBuilder()
            .setHeader(
                SnapshotHeader.newBuilder()
                    .setFrom(from)
                    .setTo(to)
                    .setGroupId(snapshot.groupId())
                    .setMessage(snapshot.message().toByteString()))
            .build();
    write(header);
    try (InputStream in = snapshot.open()) {
      while (true) {
        byte[] buf = new byte[limits.snapshotChunkBytes()]; // owned by the chunk from here on
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0) {
          break;
        }
        write(
            SnapshotChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(buf, 0, n)).build());
      }
    }
    call.onCompleted();
    SnapshotResult r = result.get(limits.snapshotStallNanos(), TimeUnit.NANOSECONDS);
    if (!r.getOk()) {
      throw new IOException("receiver refused: " + r.getError());
    }
    return true;
  }

  private void write(SnapshotChunk chunk) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limits.snapshotStallNanos();
    synchronized (ready) {
      while (!call.isReady()) {
        if (result.isDone()) {
          throw new IOException("the receiver ended the transfer: " + describe());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException(
              "the receiver took no data for "
                  + TimeUnit.NANOSECONDS.toMillis(limits.snapshotStallNanos())
                  + " ms");
        }
        TimeUnit.NANOSECONDS.timedWait(ready, left);
      }
    }
    if (result.isDone()) {
      throw new IOException("the receiver ended the transfer: " + describe());
    }
    call.onNext(chunk);
    counters.bytesSent.add(chunk.getSerializedSize());
  }

  private String describe() {
    try {
      return String.valueOf(result.getNow(null));
    } catch (RuntimeException e) {
      return String.valueOf(e.getCause());
    }
  }

  private void wake() {
    synchronized (ready) {
      ready.notifyAll();
    }
  }
}
