package io.raftj.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's budget for the Raft log its groups hold on the heap ({@link
 * RaftServer.Builder#logMemoryBudget}), shared fairly between them.
 *
 * <p>Each group's policy ({@link GroupOptions#snapshotEntries()}) is sized for one group; a server
 * hosting a hundred busy ones holds a hundred such logs, and entries that live for seconds survive
 * young collections and are copied and promoted before they die (measured: a third of the time in
 * GC with 100 groups of 3 members in one JVM). Over budget, a group whose log is above its share
 * takes a snapshot early, and an in-memory log keeps fewer entries behind it. CockroachDB and TiKV
 * bound their raft entry caches per store for the same reason.
 *
 * <p>Sizes are estimates: entries held (the log's first to last index) times the mean applied
 * payload plus a fixed per-entry overhead.
 */
final class LogMemory {

  /** What an entry costs on the heap besides its payload: the Entry, its ByteString, a slot. */
  static final long ENTRY_OVERHEAD = 96;

  private final long budget;
  private final AtomicLong held = new AtomicLong();
  private final AtomicInteger groups = new AtomicInteger();
  private final AtomicLong earlySnapshots = new AtomicLong();

  /**
   * @param budget bytes of log for all groups together; 0 for no budget
   */
  LogMemory(long budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("log memory budget must not be negative: " + budget);
    }
    this.budget = budget;
  }

  /** A new group's share; {@link Share#release} it when the group stops. */
  Share join() {
    groups.incrementAndGet();
    return new Share();
  }

  /** The estimated bytes of log all groups hold. */
  long heldBytes() {
    return held.get();
  }

  /** Snapshots taken because a group was over its share. */
  long earlySnapshots() {
    return earlySnapshots.get();
  }

  /** One group's part of the budget. Reported from its apply side, read from its loop. */
  final class Share {
    private long reported; // written by the apply side only
    private volatile long entryBytes = ENTRY_OVERHEAD;
    private boolean released;

    private Share() {}

    /**
     * Records that the group holds {@code entries} log entries whose payloads average {@code
     * meanPayload} bytes; returns whether it should take a snapshot early: the server is over
     * budget and this group holds more than its share.
     */
    synchronized boolean report(long entries, long meanPayload) {
      if (released) {
        return false;
      }
      long perEntry = meanPayload + ENTRY_OVERHEAD;
      entryBytes = perEntry;
      long bytes = Math.max(0, entries) * perEntry;
      long total = held.addAndGet(bytes - reported);
      reported = bytes;
      return budget > 0 && total > budget && bytes > share();
    }

    /** Counts a snapshot {@link #report} asked for. */
    void tookEarlySnapshot() {
      earlySnapshots.incrementAndGet();
    }

    /**
     * The entries to keep behind a snapshot: {@code configured}, or over budget as many as fit in
     * half of this group's share, if that is fewer.
     */
    long catchUpEntries(long configured) {
      if (budget == 0 || held.get() <= budget) {
        return configured;
      }
      return Math.min(configured, share() / 2 / entryBytes);
    }

    /** Takes the group's log out of the count (it stopped). */
    synchronized void release() {
      if (!released) {
        released = true;
        held.addAndGet(-reported);
        reported = 0;
        groups.decrementAndGet();
      }
    }

    private long share() {
      return budget / Math.max(1, groups.get());
    }
  }
}
