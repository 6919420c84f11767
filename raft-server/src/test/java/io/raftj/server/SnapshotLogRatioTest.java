package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GroupOptions#snapshotLogRatio()}: a snapshot due by count waits until the log applied
 * since the last one is that share of the last one's size. {@link LogStateMachine} keeps every
 * command, so its snapshot is the whole log so far: {@code 4 + n * (4 + PAYLOAD)} bytes for {@code
 * n} commands.
 */
class SnapshotLogRatioTest {

  private static final int PAYLOAD = 100;
  private static final long EVERY = 10;

  @Test
  void withARatio_eachSnapshotWaitsForThatShareOfTheLastOnesSizeInLog() throws Exception {
    SimCluster c = new SimCluster(41, null);
    c.startAll(3, GroupOptions.of(7, 1, 2, 3).withSnapshots(EVERY, 0, 5).withSnapshotLogRatio(1.0));
    long leader = c.awaitLeader(7);
    propose(c, leader, 0, 400);

    List<Integer> at = c.machine(leader, 7).snapshotSizes;
    assertThat(at.size()).as("snapshots at %s", at).isBetween(3, 8);
    assertGapsObey(at, 1.0);
  }

  @Test
  void withoutARatio_theCountAloneDecides() throws Exception {
    SimCluster c = new SimCluster(41, null);
    c.startAll(3, GroupOptions.of(7, 1, 2, 3).withSnapshots(EVERY, 0, 5));
    long leader = c.awaitLeader(7);
    propose(c, leader, 0, 400);

    List<Integer> at = c.machine(leader, 7).snapshotSizes;
    assertThat(at.size()).as("snapshots at %s", at).isGreaterThanOrEqualTo(20);
    for (int i = 1; i < at.size(); i++) {
      assertThat(at.get(i) - at.get(i - 1)).as("snapshots at %s", at).isBetween(10, 20);
    }
  }

  @Test
  void afterARestart_theRestoredSnapshotsSizeCounts(@TempDir Path dir) throws Exception {
    GroupOptions options =
        GroupOptions.of(7, 1, 2, 3).withSnapshots(EVERY, 0, 5).withSnapshotLogRatio(2.0);
    SimCluster c = new SimCluster(43, dir);
    c.startAll(3, options);
    long leader = c.awaitLeader(7);
    propose(c, leader, 0, 300);
    long other = leader == 1 ? 2 : 1;
    List<Integer> before = c.machine(other, 7).snapshotSizes;
    int last = before.get(before.size() - 1);
    assertThat(last).as("snapshots at %s", before).isPositive();

    c.stop(other);
    c.start(other);
    c.create(other, options);
    assertThat(c.runUntil(() -> c.machine(other, 7).restores == 1, 50)).isTrue();
    leader = c.awaitLeader(7);
    propose(c, leader, 300, 200);
    assertThat(c.runUntil(() -> c.machine(other, 7).commands.size() >= 500, 100)).isTrue();

    // the restored machine holds at least `last` commands; with its size known, no snapshot comes
    // before twice that size in log, though the count alone would have taken several
    List<Integer> after = c.machine(other, 7).snapshotSizes;
    int restored = c.machine(other, 7).restoredCommands;
    assertThat(restored).isGreaterThanOrEqualTo(last);
    assertGapsObey(prepend(restored, after), 2.0);
  }

  @Test
  void aBadRatio_isRefused() {
    GroupOptions o = GroupOptions.of(7, 1, 2, 3);
    for (double bad : new double[] {-0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> o.withSnapshotLogRatio(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("snapshot log ratio");
    }
    assertThat(o.snapshotLogRatio()).as("off by default").isZero();
  }

  /**
   * Each snapshot after the first came once the payload applied since the one before it was at
   * least {@code ratio} times that one's bytes, and never sooner than the count.
   */
  private static void assertGapsObey(List<Integer> at, double ratio) {
    for (int i = 1; i < at.size(); i++) {
      long prevBytes = 4 + (long) at.get(i - 1) * (4 + PAYLOAD);
      long logSince = (long) (at.get(i) - at.get(i - 1)) * PAYLOAD;
      assertThat(logSince)
          .as("snapshot %d of %s: log since the one before", i, at)
          .isGreaterThanOrEqualTo((long) (ratio * prevBytes));
      assertThat(at.get(i) - at.get(i - 1)).isGreaterThanOrEqualTo((int) EVERY);
    }
  }

  private static List<Integer> prepend(int first, List<Integer> rest) {
    List<Integer> l = new ArrayList<>();
    l.add(first);
    l.addAll(rest);
    return l;
  }

  /** Proposes {@code n} commands of {@link #PAYLOAD} bytes, ten at a time, awaiting each ten. */
  static void propose(SimCluster c, long leader, int from, int n) {
    for (int i = from; i < from + n; i += 10) {
      List<CompletableFuture<Applied>> fs = new ArrayList<>();
      for (int j = i; j < i + 10; j++) {
        byte[] b = new byte[PAYLOAD];
        b[0] = (byte) j;
        b[1] = (byte) (j >> 8);
        fs.add(c.servers.get(leader).group(7).propose(ByteString.copyFrom(b)));
      }
      c.await(fs, 100);
    }
  }
}
