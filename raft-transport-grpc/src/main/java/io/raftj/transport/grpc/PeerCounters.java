package io.raftj.transport.grpc;

import java.util.concurrent.atomic.LongAdder;

/** The live counters of one peer. Thread-safe. */
final class PeerCounters {
  final LongAdder messagesSent = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder messagesReceived = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder messagesDropped = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder snapshotsSent = new LongAdder();
  final LongAdder snapshotsFailed = new LongAdder();

  TransportMetrics.Peer snapshot() {
    return new TransportMetrics.Peer(
        messagesSent.sum(),
        bytesSent.sum(),
        messagesReceived.sum(),
        bytesReceived.sum(),
        messagesDropped.sum(),
        reconnects.sum(),
        snapshotsSent.sum(),
        snapshotsFailed.sum());
  }
}
