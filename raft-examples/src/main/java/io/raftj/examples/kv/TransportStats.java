package io.raftj.examples.kv;

import java.util.concurrent.atomic.LongAdder;

/** Message counters of the peer transport, shown by {@code GET /status}. */
final class TransportStats {
  final LongAdder sent = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder appendSent = new LongAdder();
  final LongAdder appendReceived = new LongAdder();
}
