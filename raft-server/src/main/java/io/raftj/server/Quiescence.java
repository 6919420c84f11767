package io.raftj.server;

import io.raftj.raft.RawNode;

/**
 * When an idle leader may quiesce (CockroachDB's quiescence): it has been idle for an election
 * timeout, and every follower is recently active and matches its log up to the commit index. A
 * quiesced group stops ticking until any input wakes it. Confined to the group's loop thread.
 */
final class Quiescence {

  private final int idleTicksNeeded;
  private int idleTicks;

  Quiescence(int idleTicksNeeded) {
    this.idleTicksNeeded = idleTicksNeeded;
  }

  /** Something happened in the group: idle time starts over. */
  void activity() {
    idleTicks = 0;
  }

  /**
   * Counts one idle tick of a leader and answers whether it may quiesce now; {@code busy} means
   * work is still outstanding (proposals, reads, a transfer or unapplied entries).
   */
  boolean idleTick(RawNode node, long self, long commit, boolean busy) {
    if (busy) {
      idleTicks = 0;
      return false;
    }
    if (++idleTicks < idleTicksNeeded) {
      return false;
    }
    return allCaughtUp(node, self, commit);
  }

  private static boolean allCaughtUp(RawNode node, long self, long commit) {
    long[] own = {-1};
    node.withProgress(
        (id, type, pr) -> {
          if (id == self) {
            own[0] = pr.match();
          }
        });
    if (own[0] != commit) {
      return false;
    }
    boolean[] ok = {true};
    node.withProgress(
        (id, type, pr) -> {
          if (pr.match() != own[0] || !pr.recentActive() && id != self) {
            ok[0] = false;
          }
        });
    return ok[0];
  }
}
