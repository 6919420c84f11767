package io.raftj.transport.grpc;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.server.MessageBatch;
import io.raftj.server.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Records what a transport delivers; tests wait on its monitor for a condition. */
final class RecordingInbound implements Transport.Inbound {

  final List<MessageBatch> batches = new ArrayList<>();
  final List<Long> unreachable = new ArrayList<>();
  final List<String> receivingThreads = new ArrayList<>();
  volatile CountDownLatch gate = new CountDownLatch(0);
  volatile SinkFactory sinks =
      (from, group, m) -> {
        throw new IOException("no snapshots here");
      };

  interface SinkFactory {
    Transport.SnapshotSink open(long from, long group, Message m) throws IOException;
  }

  /** A batch from {@code from} to {@code to} of one MsgApp whose index is {@code tag}. */
  static MessageBatch tagged(long from, long to, long tag) {
    Message m =
        Message.newBuilder()
            .setType(MessageType.MsgApp)
            .setFrom(from)
            .setTo(to)
            .setIndex(tag)
            .build();
    return new MessageBatch(from, to, new long[] {7}, List.of(m), List.of());
  }

  @Override
  public void receive(MessageBatch batch) {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      receivingThreads.add(Thread.currentThread().getName());
      if (batch.size() > 0) {
        batches.add(batch);
      }
      notifyAll();
    }
  }

  @Override
  public Transport.SnapshotSink receiveSnapshot(long from, long groupId, Message message)
      throws IOException {
    return sinks.open(from, groupId, message);
  }

  @Override
  public synchronized void unreachable(long server) {
    unreachable.add(server);
    notifyAll();
  }

  synchronized boolean received(long tag) {
    for (MessageBatch b : batches) {
      for (Message m : b.messages()) {
        if (m.getIndex() == tag) {
          return true;
        }
      }
    }
    return false;
  }

  synchronized int unreachableCount() {
    return unreachable.size();
  }

  synchronized int receivedCount() {
    return batches.size();
  }

  /** Waits until {@code condition} holds on this monitor, for at most 20 s. */
  boolean await(BooleanSupplier condition) throws InterruptedException {
    return await(condition, TimeUnit.SECONDS.toMillis(20));
  }

  /** Waits until {@code condition} holds on this monitor, for at most {@code millis}. */
  synchronized boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      // Conditions may also read other objects: look again at least every 10 ms.
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
    }
    return true;
  }
}
