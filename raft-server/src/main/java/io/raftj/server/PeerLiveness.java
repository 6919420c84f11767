package io.raftj.server;

import java.util.concurrent.ConcurrentHashMap;

/**
 * When this server last heard from and sent to each peer server. Quiesced followers, which no
 * longer tick, rely on it: when their leader's server falls silent for an election timeout they
 * wake and may campaign. Thread-safe.
 */
final class PeerLiveness {

  private static final class Peer {
    volatile long lastHeard;
    volatile long lastSent;
  }

  private final Scheduler clock;
  private final ConcurrentHashMap<Long, Peer> peers = new ConcurrentHashMap<>();

  PeerLiveness(Scheduler clock) {
    this.clock = clock;
  }

  private Peer peer(long id) {
    Peer p = peers.get(id);
    if (p == null) {
      Peer fresh = new Peer();
      long now = clock.nanoTime();
      fresh.lastHeard = now;
      fresh.lastSent = now;
      p = peers.putIfAbsent(id, fresh);
      if (p == null) {
        p = fresh;
      }
    }
    return p;
  }

  /** Makes {@code id} a peer to keep alive, counting it as heard from now if it is new. */
  void track(long id) {
    peer(id);
  }

  void heard(long id) {
    peer(id).lastHeard = clock.nanoTime();
  }

  void sent(long id) {
    peer(id).lastSent = clock.nanoTime();
  }

  /** Nanoseconds since {@code id} was last heard from. */
  long silentFor(long id) {
    return clock.nanoTime() - peer(id).lastHeard;
  }

  /** The peers nothing was sent to for at least {@code nanos}. */
  void forEachIdle(long nanos, java.util.function.LongConsumer action) {
    long now = clock.nanoTime();
    peers.forEach(
        (id, p) -> {
          if (now - p.lastSent >= nanos) {
            action.accept(id);
          }
        });
  }
}
