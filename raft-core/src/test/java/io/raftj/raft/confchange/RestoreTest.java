package io.raftj.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.ConfStates;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.ProgressTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Restoring a ConfState and reading the tracker's ConfState back gives the same configuration.
 * Ports the intent of {@code TestRestore} in etcd's {@code confchange/restore_test.go}.
 */
final class RestoreTest {

  private static final long SEED = 0x7e57_0e5eL;
  private static final int RUNS = 2_000;

  record Case(String name, ConfState cs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("empty", ConfState.newBuilder().setAutoLeave(false).build()),
        new Case("voters", confState(ids(1, 2, 3), ids(), ids(), ids(), false)),
        new Case("voters and learners", confState(ids(1, 2, 3), ids(4, 5, 6), ids(), ids(), false)),
        new Case(
            "joint with demotion", confState(ids(1, 2, 3), ids(5), ids(1, 2, 4, 6), ids(4), false)),
        new Case(
            "joint autoleave, unsorted, large ids",
            confState(ids(-1L, 7, 1L << 63), ids(3), ids(1L << 63, 9, 2), ids(9), true)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void restore(Case c) {
    assertRoundTrip(c.cs(), c::name);
  }

  @Test
  void restore_randomValidConfStates_roundTrip() {
    Random rnd = new Random(SEED);
    for (int run = 0; run < RUNS; run++) {
      ConfState cs = randomConfState(rnd);
      int runNo = run;
      assertRoundTrip(cs, () -> String.format("seed %d run %d: %s", SEED, runNo, cs));
    }
  }

  /**
   * Random sequences of simple and joint changes: after each accepted one, restoring the tracker's
   * ConfState gives the same configuration, with a progress for the same peers and roles.
   */
  @Test
  void restore_afterRandomChangeSequences_rebuildsTheLiveConfig() {
    long seed = SEED + 1;
    Random rnd = new Random(seed);
    ConfChangeType[] types = ConfChangeType.values();
    int restored = 0;
    for (int run = 0; run < RUNS; run++) {
      ProgressTracker live = new ProgressTracker(20, 0);
      for (int step = 0; step < 12; step++) {
        List<ConfChangeSingle> ccs = new ArrayList<>();
        for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
          ccs.add(
              ConfChangeSingle.newBuilder()
                  .setType(types[rnd.nextInt(types.length)])
                  .setNodeId(1 + rnd.nextInt(6))
                  .build());
        }
        Changer chg = new Changer(live, step);
        Changer.Result r;
        try {
          switch (rnd.nextInt(3)) {
            case 0 -> r = chg.simple(ccs.subList(0, 1));
            case 1 -> r = chg.enterJoint(rnd.nextBoolean(), ccs);
            default -> r = chg.leaveJoint();
          }
        } catch (ConfChangeException refused) {
          continue;
        }
        live.setConfig(r.config());
        live.setProgress(r.progress());

        int runNo = run;
        int stepNo = step;
        Supplier<String> context =
            () -> String.format("seed %d run %d step %d: %s", seed, runNo, stepNo, live.config());
        Changer.Result back =
            Restore.restore(new Changer(new ProgressTracker(20, 0), 10), live.confState());
        assertThat(back.config().toString()).as(context).isEqualTo(live.config().toString());
        assertThat(roles(back.progress())).as(context).isEqualTo(roles(live.progress()));
        restored++;
      }
    }
    // Most operations on random input are refused; make sure plenty were not.
    assertThat(restored).as("restored configurations").isGreaterThan(RUNS * 2);
  }

  /** Each tracked peer with an "L" for learners, in ID order. */
  private static String roles(ProgressMap prs) {
    StringBuilder sb = new StringBuilder();
    prs.forEach((id, pr) -> sb.append(id).append(pr.isLearner() ? "L " : " "));
    return sb.toString();
  }

  @Test
  void restore_leavesTheChangersTrackerAlone() {
    ProgressTracker tr = new ProgressTracker(20, 0);
    Restore.restore(new Changer(tr, 10), confState(ids(1, 2), ids(3), ids(), ids(), false));
    assertThat(tr.progress().isEmpty()).isTrue();
    assertThat(tr.config().toString()).isEqualTo("voters=()");
  }

  @Test
  void restore_progressesStartAtLastIndex() {
    Changer.Result r =
        Restore.restore(
            new Changer(new ProgressTracker(20, 0), 10),
            confState(ids(1, 2), ids(3), ids(2, 4), ids(4), true));
    assertThat(r.config().toString())
        .isEqualTo("voters=(1 2)&&(2 4) learners=(3) learners_next=(4) autoleave");
    assertThat(r.progress().toString())
        .isEqualTo(
            "1: StateProbe match=0 next=10\n"
                + "2: StateProbe match=0 next=10\n"
                + "3: StateProbe match=0 next=10 learner\n"
                + "4: StateProbe match=0 next=10\n");
  }

  private static void assertRoundTrip(ConfState cs, Supplier<String> context) {
    Changer chg = new Changer(new ProgressTracker(20, 0), 10);
    Changer.Result r = Restore.restore(chg, cs);
    ProgressTracker tr = new ProgressTracker(20, 0);
    tr.setConfig(r.config());
    tr.setProgress(r.progress());

    ConfState got = tr.confState();
    // Equivalent both ways, and in the tracker's canonical form: sorted, auto_leave present.
    assertThat(ConfStates.equivalenceError(cs, got)).as(context).isNull();
    assertThat(ConfStates.equivalenceError(got, cs)).as(context).isNull();
    for (List<Long> ids :
        List.of(
            got.getVotersList(),
            got.getLearnersList(),
            got.getVotersOutgoingList(),
            got.getLearnersNextList())) {
      assertThat(ids).as(context).isSortedAccordingTo(Long::compareUnsigned);
    }
    assertThat(got.hasAutoLeave()).as(context).isTrue();
  }

  /**
   * A random valid ConfState, as etcd's generator makes them: one to five voters, up to four
   * learners, and a joint configuration in which some incoming voters were already voters and up to
   * two outgoing voters are leaving, some of them to become learners. Never empty.
   */
  private static ConfState randomConfState(Random rnd) {
    int nVoters = 1 + rnd.nextInt(5);
    int nLearners = rnd.nextInt(5);
    int nRemovedVoters = rnd.nextInt(3);
    // Voters, learners and removed voters are disjoint: take them from one permutation.
    List<Long> pool = new ArrayList<>();
    for (long id = 1; id <= 2L * (nVoters + nLearners + nRemovedVoters); id++) {
      pool.add(id);
    }
    Collections.shuffle(pool, rnd);

    ConfState.Builder b = ConfState.newBuilder();
    List<Long> voters = pool.subList(0, nVoters);
    b.addAllVoters(voters);
    b.addAllLearners(pool.subList(nVoters, nVoters + nLearners));
    List<Long> removed = pool.subList(nVoters + nLearners, nVoters + nLearners + nRemovedVoters);

    int nRetained = rnd.nextInt(nVoters + 1);
    b.addAllVotersOutgoing(voters.subList(0, nRetained));
    b.addAllVotersOutgoing(removed);
    if (nRemovedVoters > 0) {
      // Only outgoing voters that are not incoming ones can be staged as learners (demotions).
      b.addAllLearnersNext(removed.subList(0, rnd.nextInt(nRemovedVoters + 1)));
    }
    b.setAutoLeave(b.getVotersOutgoingCount() > 0 && rnd.nextBoolean());
    return b.build();
  }

  private static long[] ids(long... ids) {
    return ids;
  }

  private static ConfState confState(
      long[] voters, long[] learners, long[] outgoing, long[] learnersNext, boolean autoLeave) {
    return ConfState.newBuilder()
        .addAllVoters(Arrays.stream(voters).boxed().toList())
        .addAllLearners(Arrays.stream(learners).boxed().toList())
        .addAllVotersOutgoing(Arrays.stream(outgoing).boxed().toList())
        .addAllLearnersNext(Arrays.stream(learnersNext).boxed().toList())
        .setAutoLeave(autoLeave)
        .build();
  }
}
