package io.raftj.raft.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference computation the quorum scripts and property tests check {@link
 * MajorityConfig#committedIndex} against. Mirrors the helper of the same name in etcd's {@code
 * quorum/quick_test.go}.
 */
public final class CommittedIndexOracle {

  private CommittedIndexOracle() {}

  /**
   * The committed index computed the slow, obvious way: for each acknowledged index, count the
   * voters that acknowledged it or more, and take the largest index a majority reached. Mirrors
   * {@code alternativeMajorityCommittedIndex} in etcd's {@code quorum/quick_test.go}.
   */
  public static long alternativeMajorityCommittedIndex(MajorityConfig c, AckedIndexer l) {
    if (c.isEmpty()) {
      return Index.INFINITY;
    }
    List<Long> acked = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      long idx = l.ackedIndex(c.id(i));
      if (idx != AckedIndexer.NOT_FOUND) {
        acked.add(idx);
      }
    }
    int q = c.size() / 2 + 1;
    long maxQuorumIdx = 0;
    for (long candidate : acked) {
      int votes = 0;
      for (long idx : acked) {
        if (idx >= candidate) {
          votes++;
        }
      }
      if (votes >= q && candidate > maxQuorumIdx) {
        maxQuorumIdx = candidate;
      }
    }
    return maxQuorumIdx;
  }
}
