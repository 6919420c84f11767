package io.raftj.raft.quorum;

/**
 * Looks up the log index a voter has acknowledged, for computing a configuration's committed index.
 * Mirrors {@code AckedIndexer} in etcd's {@code quorum/quorum.go}.
 *
 * <p>Go returns {@code (idx, found)}; here a voter without an acknowledged index answers {@link
 * #NOT_FOUND}, which cannot be a log index (indexes are never negative), so the per-message commit
 * computation allocates nothing.
 */
@FunctionalInterface
public interface AckedIndexer {

  /** The answer for a voter with no acknowledged index. */
  long NOT_FOUND = -1L;

  /** The index {@code voterId} has acknowledged, or {@link #NOT_FOUND}. */
  long ackedIndex(long voterId);
}
