package io.raftj.transport.grpc;

import java.util.Map;

/**
 * A point-in-time copy of a {@link GrpcTransport}'s counters. Messages count Raft messages plus
 * coalesced heartbeats; bytes count encoded frames and snapshot chunks. Immutable.
 *
 * @param peers counters per peer server, keyed by its ID
 * @param refused frames, streams and snapshots refused: unknown or unauthenticated senders,
 *     misdirected or malformed traffic
 */
public record TransportMetrics(Map<Long, Peer> peers, long refused) {

  public TransportMetrics {
    peers = Map.copyOf(peers);
  }

  /** The counters of {@code id}, all zero if it never exchanged traffic. */
  public Peer peer(long id) {
    return peers.getOrDefault(id, new Peer(0, 0, 0, 0, 0, 0, 0, 0));
  }

  /**
   * Counters for one peer.
   *
   * @param messagesSent messages written to its stream
   * @param bytesSent bytes of frames and snapshot chunks written to it
   * @param messagesReceived messages received from it and handed to the server
   * @param bytesReceived bytes of frames and snapshot chunks received from it
   * @param messagesDropped messages not delivered: queue full, no connection, or unacknowledged on
   *     a stream that broke
   * @param reconnects streams opened after the first
   * @param snapshotsSent snapshots it confirmed
   * @param snapshotsFailed snapshot transfers to it that failed
   */
  public record Peer(
      long messagesSent,
      long bytesSent,
      long messagesReceived,
      long bytesReceived,
      long messagesDropped,
      long reconnects,
      long snapshotsSent,
      long snapshotsFailed) {}
}
