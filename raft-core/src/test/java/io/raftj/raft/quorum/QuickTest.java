package io.raftj.raft.quorum;

import static org.assertj.core.api.Assertions.fail;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests in the spirit of etcd's {@code quorum/quick_test.go}: the fast committed index
 * agrees with a naive computation on random configurations, and joint results follow from their
 * halves. Seeded; a failure names the seed and the iteration.
 */
final class QuickTest {

  private static final long SEED = 0x5eed_c0ffeeL;
  private static final int ITERATIONS = 50_000;

  @Test
  void quick() {
    Random rand = new Random(SEED);
    for (int iter = 0; iter < ITERATIONS; iter++) {
      MajorityConfig c = randomConfig(rand);
      MapAckIndexer l = randomIndexes(rand);
      long got = c.committedIndex(l);
      long want = CommittedIndexOracle.alternativeMajorityCommittedIndex(c, l);
      if (got != want) {
        fail(
            "seed=%d iteration=%d config=%s acked=%s: got %d, naive %d",
            SEED, iter, c, l, got, want);
      }
    }
  }

  @Test
  void joint_committedIndex_isMinOfMajorities_andSymmetric() {
    Random rand = new Random(SEED + 1);
    for (int iter = 0; iter < ITERATIONS; iter++) {
      MajorityConfig in = randomConfig(rand);
      MajorityConfig out = randomConfig(rand);
      MapAckIndexer l = randomIndexes(rand);
      long want =
          Math.min(
              CommittedIndexOracle.alternativeMajorityCommittedIndex(in, l),
              CommittedIndexOracle.alternativeMajorityCommittedIndex(out, l));
      long got = new JointConfig(in, out).committedIndex(l);
      long swapped = new JointConfig(out, in).committedIndex(l);
      if (got != want || swapped != want) {
        fail(
            "seed=%d iteration=%d config=%s&&%s acked=%s: got %d (swapped %d), want %d",
            SEED + 1, iter, in, out, l, got, swapped, want);
      }
    }
  }

  @Test
  void joint_voteResult_followsItsHalves_andIsSymmetric() {
    Random rand = new Random(SEED + 2);
    for (int iter = 0; iter < ITERATIONS; iter++) {
      MajorityConfig in = randomConfig(rand);
      MajorityConfig out = randomConfig(rand);
      Map<Long, Boolean> votes = new HashMap<>();
      for (MajorityConfig half : new MajorityConfig[] {in, out}) {
        for (int i = 0; i < half.size(); i++) {
          int v = rand.nextInt(3);
          if (v < 2) {
            votes.put(half.id(i), v == 1);
          }
        }
      }
      VoteResult r1 = in.voteResult(votes);
      VoteResult r2 = out.voteResult(votes);
      VoteResult want =
          r1 == VoteResult.VOTE_LOST || r2 == VoteResult.VOTE_LOST
              ? VoteResult.VOTE_LOST
              : r1 == VoteResult.VOTE_WON && r2 == VoteResult.VOTE_WON
                  ? VoteResult.VOTE_WON
                  : VoteResult.VOTE_PENDING;
      VoteResult got = new JointConfig(in, out).voteResult(votes);
      VoteResult swapped = new JointConfig(out, in).voteResult(votes);
      if (got != want || swapped != want) {
        fail(
            "seed=%d iteration=%d config=%s&&%s votes=%s: got %s (swapped %s), want %s",
            SEED + 2, iter, in, out, votes, got, swapped, want);
      }
    }
  }

  /**
   * Up to 9 voters drawn from {@code [0, 2n)} as etcd's generator does; one time in eight the IDs
   * are shifted above 2^63 to exercise unsigned ordering.
   */
  private static MajorityConfig randomConfig(Random rand) {
    MajorityConfig c = new MajorityConfig();
    for (long id : randomIds(rand)) {
      c.add(id);
    }
    return c;
  }

  /** Acknowledged indexes in {@code [0, n)} for up to 9 IDs (so a voter may be unknown). */
  private static MapAckIndexer randomIndexes(Random rand) {
    MapAckIndexer l = new MapAckIndexer();
    long[] ids = randomIds(rand);
    for (long id : ids) {
      l.put(id, rand.nextInt(ids.length));
    }
    return l;
  }

  private static long[] randomIds(Random rand) {
    int n = rand.nextInt(10);
    int[] perm = permutation(rand, 2 * n);
    boolean high = rand.nextInt(8) == 0;
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = high ? perm[i] - 4L : perm[i]; // -4..-1 are the largest unsigned IDs
    }
    return ids;
  }

  private static int[] permutation(Random rand, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      int j = rand.nextInt(i + 1);
      p[i] = p[j];
      p[j] = i;
    }
    return p;
  }
}
