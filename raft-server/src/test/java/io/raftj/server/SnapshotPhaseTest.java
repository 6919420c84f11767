package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Applier#snapshotPhase}: the members of a group take their snapshots by count at different
 * indexes, so they never all capture and write the whole state at the same moment.
 */
class SnapshotPhaseTest {

  @Test
  void phases_spreadTheMembersOfEveryGroupOverTheCount() {
    long entries = 10_000;
    for (long group = 0; group < 1_000; group++) {
      long[] p = new long[3];
      for (int s = 0; s < 3; s++) {
        p[s] = Applier.snapshotPhase(s + 1, group, entries);
        assertThat(p[s]).isBetween(0L, entries - 1);
      }
      for (int a = 0; a < 3; a++) {
        for (int b = a + 1; b < 3; b++) {
          long d = Math.abs(p[a] - p[b]);
          long circular = Math.min(d, entries - d);
          assertThat(circular)
              .as("group %d, servers %d and %d: %d and %d", group, a + 1, b + 1, p[a], p[b])
              .isGreaterThanOrEqualTo(entries * 23 / 100);
        }
      }
    }
  }

  @Test
  void phases_areZeroWithoutACount_andFixedByTheIds() {
    assertThat(Applier.snapshotPhase(1, 7, 0)).isZero();
    assertThat(Applier.snapshotPhase(2, 7, 1)).isZero();
    assertThat(Applier.snapshotPhase(-1L, -1L, Long.MAX_VALUE)).isBetween(0L, Long.MAX_VALUE - 1);
    assertThat(Applier.snapshotPhase(2, 7, 10_000)).isEqualTo(Applier.snapshotPhase(2, 7, 10_000));
  }

  @Test
  void theMembersOfAGroupSnapshotAtDifferentPoints_eachEveryCountFromItsFirst() throws Exception {
    long every = 100;
    SimCluster c = new SimCluster(47, null);
    c.startAll(3, GroupOptions.of(7, 1, 2, 3).withSnapshots(every, 0, 50));
    long leader = c.awaitLeader(7);
    SnapshotLogRatioTest.propose(c, leader, 0, 600);
    for (long s = 1; s <= 3; s++) {
      long member = s;
      assertThat(c.runUntil(() -> c.machine(member, 7).commands.size() == 600, 100)).isTrue();
    }

    Set<Integer> firsts = new HashSet<>();
    for (long s = 1; s <= 3; s++) {
      // the snapshot at start (of the bootstrap membership, no command yet) is not one by count
      List<Integer> at = c.machine(s, 7).snapshotSizes.stream().filter(n -> n > 0).toList();
      assertThat(at).as("member %d's snapshots", s).hasSizeGreaterThanOrEqualTo(5);
      long early = Applier.snapshotPhase(s, 7, every);
      // the first comes `early` commands before the count (the group's first entry is the empty
      // entry of the leader's term, not a command, hence the one less)
      assertThat(at.get(0))
          .as("member %d's snapshots %s", s, at)
          .isBetween((int) (every - early - 1), (int) (every - early + 10));
      for (int i = 1; i < at.size(); i++) {
        assertThat(at.get(i) - at.get(i - 1))
            .as("member %d's snapshots %s", s, at)
            .isBetween((int) every, (int) every + 10);
      }
      firsts.add(at.get(0));
    }
    assertThat(firsts).as("first snapshots of the three members").hasSize(3);
  }
}
