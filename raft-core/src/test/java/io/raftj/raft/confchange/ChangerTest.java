package io.raftj.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.tracker.internal.Inflights;
import io.raftj.raft.tracker.internal.Progress;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.ProgressTracker;
import io.raftj.raft.tracker.internal.TrackerConfig;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Changer behaviour that the data-driven scripts in {@code confchange/} cannot reach: refusing a
 * tracker whose configuration and progress disagree, leaving the tracker alone, and the wiring of
 * new progresses.
 */
final class ChangerTest {

  private static MajorityConfig majority(long... ids) {
    return MajorityConfig.of(ids);
  }

  private static Progress progress(boolean learner) {
    return new Progress(0, 1, new Inflights(10, 0), learner, true);
  }

  private static ProgressTracker tracker(TrackerConfig cfg, long[] voters, long[] learners) {
    ProgressTracker tr = new ProgressTracker(10, 0);
    ProgressMap prs = new ProgressMap();
    for (long id : voters) {
      prs.put(id, progress(false));
    }
    for (long id : learners) {
      prs.put(id, progress(true));
    }
    tr.setConfig(cfg);
    tr.setProgress(prs);
    return tr;
  }

  record BrokenCase(String name, ProgressTracker tracker, String wantError) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BrokenCase> brokenCases() {
    long[] none = {};
    return Stream.of(
        new BrokenCase(
            "voter without progress",
            tracker(
                config(majority(1, -1L), majority(), majority(), majority()), new long[] {1}, none),
            "no progress for 18446744073709551615"),
        new BrokenCase(
            "staged learner not an outgoing voter",
            tracker(
                config(majority(1), majority(2), majority(), majority(3)),
                new long[] {1, 2, 3},
                none),
            "3 is in LearnersNext, but not Voters[1]"),
        new BrokenCase(
            "staged learner already a learner",
            tracker(
                config(majority(1), majority(2), majority(), majority(2)),
                new long[] {1},
                new long[] {2}),
            "2 is in LearnersNext, but is already marked as learner"),
        new BrokenCase(
            "learner in outgoing voters",
            tracker(
                config(majority(1), majority(2), majority(2), majority()),
                new long[] {1},
                new long[] {2}),
            "2 is in Learners and Voters[1]"),
        new BrokenCase(
            "learner in incoming voters",
            tracker(
                config(majority(1, 2), majority(), majority(2), majority()),
                new long[] {1},
                new long[] {2}),
            "2 is in Learners and Voters[0]"),
        new BrokenCase(
            "learner not marked",
            tracker(
                config(majority(1), majority(), majority(2), majority()), new long[] {1, 2}, none),
            "2 is in Learners, but is not marked as learner"));
  }

  private static TrackerConfig config(
      MajorityConfig incoming,
      MajorityConfig outgoing,
      MajorityConfig learners,
      MajorityConfig next) {
    return new TrackerConfig(new JointConfig(incoming, outgoing), learners, next, false);
  }

  @ParameterizedTest
  @MethodSource("brokenCases")
  void everyOperation_inconsistentTracker_refusedWithEtcdText(BrokenCase c) {
    Changer chg = new Changer(c.tracker(), 5);
    List<ConfChangeSingle> noChanges = List.of();
    assertThatThrownBy(() -> chg.simple(noChanges)).hasMessage(c.wantError());
    assertThatThrownBy(() -> chg.enterJoint(false, noChanges)).hasMessage(c.wantError());
    assertThatThrownBy(() -> chg.leaveJoint()).hasMessage(c.wantError());
  }

  @Test
  void simple_promotion_leavesTrackerAndItsProgressAlone() {
    ProgressTracker tr =
        tracker(
            config(majority(1), majority(), majority(2), majority()),
            new long[] {1},
            new long[] {2});
    String before = tr.config() + "\n" + tr.progress();
    Progress learner = tr.progress().get(2);

    Changer.Result r = new Changer(tr, 7).simple(List.of(cc(ConfChangeType.ConfChangeAddNode, 2)));

    assertThat(r.config().toString()).isEqualTo("voters=(1 2)");
    assertThat(r.progress().get(2).isLearner()).isFalse();
    assertThat(tr.config() + "\n" + tr.progress()).isEqualTo(before);
    assertThat(learner.isLearner()).isTrue();
    assertThat(tr.progress().get(2)).isSameAs(learner);
  }

  @Test
  void simple_newPeer_probesFromLastIndexWithTrackerLimits() {
    ProgressTracker tr = new ProgressTracker(2, 100);
    Changer.Result r = new Changer(tr, 42).simple(List.of(cc(ConfChangeType.ConfChangeAddNode, 3)));
    Progress pr = r.progress().get(3);
    assertThat(pr.next()).isEqualTo(42);
    assertThat(pr.match()).isZero();
    assertThat(pr.recentActive()).isTrue();
    pr.becomeReplicate();
    pr.sentEntries(1, 10);
    assertThat(pr.inflights().full()).isFalse();
    pr.sentEntries(1, 10);
    assertThat(pr.inflights().full()).as("maxInflight 2 reached").isTrue();
  }

  @Test
  void simple_lastIndexZero_nextIsOne() {
    Changer.Result r =
        new Changer(new ProgressTracker(10, 0), 0)
            .simple(List.of(cc(ConfChangeType.ConfChangeAddNode, 1)));
    assertThat(r.progress().get(1).next()).isEqualTo(1);
  }

  @Test
  void describe_listsTypeAndDecimalId() {
    assertThat(
            Changer.describe(
                List.of(
                    cc(ConfChangeType.ConfChangeAddNode, 2),
                    cc(ConfChangeType.ConfChangeRemoveNode, -1L),
                    cc(ConfChangeType.ConfChangeAddLearnerNode, 3),
                    cc(ConfChangeType.ConfChangeUpdateNode, 0))))
        .isEqualTo(
            "ConfChangeAddNode(2) ConfChangeRemoveNode(18446744073709551615)"
                + " ConfChangeAddLearnerNode(3) ConfChangeUpdateNode(0)");
    assertThat(Changer.describe(List.of())).isEmpty();
  }

  private static ConfChangeSingle cc(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }
}
