package io.raftj.raft.tracker.internal;

/**
 * Receives one tracked peer at a time, in ascending (unsigned) ID order. The callback form of the
 * closure etcd passes to {@code ProgressTracker.Visit}; taking a primitive {@code long} keeps the
 * per-message paths free of boxing.
 */
@FunctionalInterface
public interface ProgressVisitor {

  /** Called for the peer {@code id} with its live (not copied) progress. */
  void visit(long id, Progress pr);
}
