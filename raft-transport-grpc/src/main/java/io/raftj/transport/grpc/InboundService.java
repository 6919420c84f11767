package io.raftj.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.server.MessageBatch;
import io.raftj.server.Transport;
import io.raftj.transport.grpc.wire.Ack;
import io.raftj.transport.grpc.wire.Frame;
import io.raftj.transport.grpc.wire.RaftTransportGrpc;
import io.raftj.transport.grpc.wire.SnapshotChunk;
import io.raftj.transport.grpc.wire.SnapshotHeader;
import io.raftj.transport.grpc.wire.SnapshotResult;
import java.io.IOException;

/**
 * The receiving side: authenticates each stream's sender, decodes frames into batches for the
 * server and acknowledges them, and writes incoming snapshots into the server's sinks. Refused
 * traffic ends its stream with {@code PERMISSION_DENIED} and is counted. Calls arrive on gRPC's
 * threads; each stream is handled by one thread at a time.
 */
final class InboundService extends RaftTransportGrpc.RaftTransportImplBase {

  private final GrpcTransport transport;

  InboundService(GrpcTransport transport) {
    this.transport = transport;
  }

  @Override
  public StreamObserver<Frame> batches(StreamObserver<Ack> acks) {
    long certified = Authenticator.PEER_ID.get();
    return new StreamObserver<>() {
      private long count;
      private boolean refused;

      @Override
      public void onNext(Frame f) {
        if (refused) {
          return;
        }
        Transport.Inbound inbound = transport.inbound();
        if (inbound == null) {
          refused = true;
          acks.onError(Status.UNAVAILABLE.withDescription("not started").asRuntimeException());
          return;
        }
        MessageBatch batch;
        try {
          transport.authorize(certified, f.getFrom(), f.getTo());
          batch = FrameCodec.decode(f);
        } catch (SecurityException | InvalidProtocolBufferException e) {
          refused = true;
          transport.refuse("frame", certified, f.getFrom(), e.getMessage());
          acks.onError(
              Status.PERMISSION_DENIED.withDescription(e.getMessage()).asRuntimeException());
          return;
        }
        PeerCounters c = transport.counters(f.getFrom());
        c.messagesReceived.add(batch.size());
        c.bytesReceived.add(f.getSerializedSize());
        inbound.receive(batch);
        acks.onNext(Ack.newBuilder().setCount(++count).build());
      }

      @Override
      public void onError(Throwable t) {
        // The sender went away; it learns of its losses from the missing acknowledgements.
      }

      @Override
      public void onCompleted() {
        if (!refused) {
          acks.onCompleted();
        }
      }
    };
  }

  @Override
  public StreamObserver<SnapshotChunk> snapshot(StreamObserver<SnapshotResult> result) {
    long certified = Authenticator.PEER_ID.get();
    return new StreamObserver<>() {
      private Transport.SnapshotSink sink;
      private PeerCounters counters;
      private boolean failed;

      @Override
      public void onNext(SnapshotChunk chunk) {
        if (failed) {
          return;
        }
        try {
          if (chunk.hasHeader()) {
            open(chunk.getHeader());
          } else if (sink == null) {
            throw new SecurityException("snapshot data before its header");
          } else {
            counters.bytesReceived.add(chunk.getData().size());
            sink.write(chunk.getData().asReadOnlyByteBuffer());
          }
        } catch (SecurityException | InvalidProtocolBufferException e) {
          transport.refuse("snapshot", certified, 0, e.getMessage());
          fail(Status.PERMISSION_DENIED, e);
        } catch (IOException | RuntimeException e) {
          fail(Status.UNAVAILABLE, e);
        }
      }

      private void open(SnapshotHeader h) throws IOException {
        if (sink != null) {
          throw new SecurityException("a second snapshot header");
        }
        Transport.Inbound inbound = transport.inbound();
        if (inbound == null) {
          throw new IOException("not started");
        }
        transport.authorize(certified, h.getFrom(), h.getTo());
        Message m = Message.parseFrom(h.getMessage());
        if (m.getType() != MessageType.MsgSnap
            || m.getFrom() != h.getFrom()
            || m.getTo() != h.getTo()) {
          throw new SecurityException(
              "the header's message is not a MsgSnap from "
                  + Long.toUnsignedString(h.getFrom())
                  + " to "
                  + Long.toUnsignedString(h.getTo()));
        }
        counters = transport.counters(h.getFrom());
        counters.bytesReceived.add(h.getSerializedSize());
        sink = inbound.receiveSnapshot(h.getFrom(), h.getGroupId(), m);
      }

      private void fail(Status status, Exception e) {
        failed = true;
        if (sink != null) {
          sink.abort(e);
        }
        result.onError(status.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
      }

      @Override
      public void onError(Throwable t) {
        if (!failed && sink != null) {
          failed = true;
          sink.abort(t);
        }
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (sink == null) {
          fail(Status.INVALID_ARGUMENT, new IOException("a snapshot without a header"));
          return;
        }
        try {
          sink.finish();
        } catch (IOException | RuntimeException e) {
          fail(Status.UNAVAILABLE, e);
          return;
        }
        counters.messagesReceived.increment();
        result.onNext(SnapshotResult.newBuilder().setOk(true).build());
        result.onCompleted();
      }
    };
  }
}
