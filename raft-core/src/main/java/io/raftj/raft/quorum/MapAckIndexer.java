package io.raftj.raft.quorum;

import java.util.HashMap;
import java.util.Map;

/**
 * An {@link AckedIndexer} over a map from voter ID to acknowledged index. Mirrors {@code
 * mapAckIndexer} in etcd's {@code quorum/quorum.go}; meant for tests and tools, not for the
 * per-message path. Not thread-safe.
 */
public final class MapAckIndexer implements AckedIndexer {

  private final Map<Long, Long> acked = new HashMap<>();

  /** Records that {@code voterId} has acknowledged {@code index} (a non-negative index). */
  public MapAckIndexer put(long voterId, long index) {
    if (index < 0) {
      throw new IllegalArgumentException("negative index " + index);
    }
    acked.put(voterId, index);
    return this;
  }

  /** Forgets what {@code voterId} acknowledged. */
  public void remove(long voterId) {
    acked.remove(voterId);
  }

  @Override
  public long ackedIndex(long voterId) {
    Long idx = acked.get(voterId);
    return idx == null ? NOT_FOUND : idx;
  }

  @Override
  public String toString() {
    return acked.toString();
  }
}
