package io.raftj.raft.tracker.internal;

import static io.raftj.raft.tracker.ProgressState.STATE_PROBE;
import static io.raftj.raft.tracker.ProgressState.STATE_REPLICATE;
import static io.raftj.raft.tracker.ProgressState.STATE_SNAPSHOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.tracker.ProgressState;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class ProgressTest {

  /** A progress with the given match and next in {@code state}, reached the way raft reaches it. */
  private static Progress progress(ProgressState state, long match, long next) {
    Progress pr = new Progress(match, next, new Inflights(256, 0), false, false);
    pr.resetState(state);
    return pr;
  }

  @Test
  void progressString() {
    Inflights ins = new Inflights(1, 0);
    ins.add(123, 1);
    Progress pr = new Progress(1, 2, ins, true, false);
    pr.becomeSnapshot(123);
    // becomeSnapshot moves next and resets the inflights; set them as the Go literal does.
    pr.setNext(2);
    pr.inflights().add(123, 1);
    pr.setMsgAppFlowPaused(true);
    assertThat(pr.toString())
        .isEqualTo(
            "StateSnapshot match=1 next=2 learner paused pendingSnap=123 inactive"
                + " inflight=1[full]");
  }

  @Test
  void progressString_activeReplicatingVoter_printsOnlyStateAndIndexes() {
    Progress pr = progress(STATE_REPLICATE, 4, 5);
    pr.setRecentActive(true);
    pr.sentEntries(2, 10);
    assertThat(pr.toString()).isEqualTo("StateReplicate match=4 next=7 inflight=1");
  }

  record PausedCase(ProgressState state, boolean paused, boolean want) {}

  static Stream<PausedCase> pausedCases() {
    return Stream.of(
        new PausedCase(STATE_PROBE, false, false),
        new PausedCase(STATE_PROBE, true, true),
        new PausedCase(STATE_REPLICATE, false, false),
        new PausedCase(STATE_REPLICATE, true, true),
        new PausedCase(STATE_SNAPSHOT, false, true),
        new PausedCase(STATE_SNAPSHOT, true, true));
  }

  @ParameterizedTest
  @MethodSource("pausedCases")
  void progressIsPaused(PausedCase c) {
    Progress pr = progress(c.state(), 0, 1);
    pr.setMsgAppFlowPaused(c.paused());
    assertThat(pr.isPaused()).isEqualTo(c.want());
  }

  /** maybeUpdate and maybeDecrTo both resume a paused flow. */
  @Test
  void progressResume() {
    Progress pr = progress(STATE_PROBE, 0, 2);
    pr.setMsgAppFlowPaused(true);
    assertThat(pr.maybeDecrTo(1, 1)).isTrue();
    assertThat(pr.msgAppFlowPaused()).isFalse();
    pr.setMsgAppFlowPaused(true);
    assertThat(pr.maybeUpdate(2)).isTrue();
    assertThat(pr.msgAppFlowPaused()).isFalse();
  }

  record BecomeProbeCase(String name, Progress pr, long wantNext) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BecomeProbeCase> becomeProbeCases() {
    Progress snapshotFinished = progress(STATE_PROBE, 1, 5);
    snapshotFinished.becomeSnapshot(10);
    Progress snapshotFailed = progress(STATE_SNAPSHOT, 1, 5);
    return Stream.of(
        new BecomeProbeCase("from replicate", progress(STATE_REPLICATE, 1, 5), 2),
        new BecomeProbeCase("snapshot finished", snapshotFinished, 11),
        new BecomeProbeCase("snapshot failed", snapshotFailed, 2));
  }

  @ParameterizedTest
  @MethodSource("becomeProbeCases")
  void progressBecomeProbe(BecomeProbeCase c) {
    c.pr().becomeProbe();
    assertThat(c.pr().state()).isEqualTo(STATE_PROBE);
    assertThat(c.pr().match()).isEqualTo(1);
    assertThat(c.pr().next()).isEqualTo(c.wantNext());
    assertThat(c.pr().pendingSnapshot()).isZero();
    assertThat(c.pr().sentCommit()).isLessThanOrEqualTo(c.pr().next() - 1);
  }

  @Test
  void progressBecomeReplicate() {
    Progress pr = progress(STATE_PROBE, 1, 5);
    pr.setMsgAppFlowPaused(true);
    pr.becomeReplicate();
    assertThat(pr.state()).isEqualTo(STATE_REPLICATE);
    assertThat(pr.match()).isEqualTo(1);
    assertThat(pr.next()).isEqualTo(2);
    assertThat(pr.msgAppFlowPaused()).isFalse();
  }

  @Test
  void progressBecomeSnapshot() {
    Progress pr = progress(STATE_PROBE, 1, 5);
    pr.becomeSnapshot(10);
    assertThat(pr.state()).isEqualTo(STATE_SNAPSHOT);
    assertThat(pr.match()).isEqualTo(1);
    assertThat(pr.pendingSnapshot()).isEqualTo(10);
    assertThat(pr.next()).isEqualTo(11);
    assertThat(pr.sentCommit()).isEqualTo(10);
  }

  record UpdateCase(long update, long wantMatch, long wantNext, boolean wantOk) {}

  static Stream<UpdateCase> updateCases() {
    long prevM = 3;
    long prevN = 5;
    return Stream.of(
        new UpdateCase(prevM - 1, prevM, prevN, false), // neither match nor next goes down
        new UpdateCase(prevM, prevM, prevN, false), // a repeated ack changes nothing
        new UpdateCase(prevM + 1, prevM + 1, prevN, true), // match up, next stays
        new UpdateCase(prevM + 2, prevM + 2, prevN + 1, true)); // both up
  }

  @ParameterizedTest
  @MethodSource("updateCases")
  void progressUpdate(UpdateCase c) {
    Progress pr = progress(STATE_PROBE, 3, 5);
    assertThat(pr.maybeUpdate(c.update())).isEqualTo(c.wantOk());
    assertThat(pr.match()).isEqualTo(c.wantMatch());
    assertThat(pr.next()).isEqualTo(c.wantNext());
  }

  record DecrCase(
      String name,
      ProgressState state,
      long match,
      long next,
      long rejected,
      long matchHint,
      boolean wantOk,
      long wantNext) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<DecrCase> decrCases() {
    return Stream.of(
        new DecrCase("replicate, rejected == match", STATE_REPLICATE, 5, 10, 5, 5, false, 10),
        new DecrCase("replicate, rejected < match", STATE_REPLICATE, 5, 10, 4, 4, false, 10),
        new DecrCase("replicate, rejected > match", STATE_REPLICATE, 5, 10, 9, 9, true, 6),
        new DecrCase("probe, next 0 never matches", STATE_PROBE, 0, 0, 0, 0, false, 0),
        new DecrCase("probe, rejected != next-1", STATE_PROBE, 0, 10, 5, 5, false, 10),
        new DecrCase("probe, back by one", STATE_PROBE, 0, 10, 9, 9, true, 9),
        new DecrCase("probe, back by one to 1", STATE_PROBE, 0, 2, 1, 1, true, 1),
        new DecrCase("probe, stays at 1", STATE_PROBE, 0, 1, 0, 0, true, 1),
        new DecrCase("probe, to hint+1", STATE_PROBE, 0, 10, 9, 2, true, 3),
        new DecrCase("probe, hint 0 gives 1", STATE_PROBE, 0, 10, 9, 0, true, 1));
  }

  @ParameterizedTest
  @MethodSource("decrCases")
  void progressMaybeDecr(DecrCase c) {
    Progress pr = progress(c.state(), c.match(), c.next());
    assertThat(pr.maybeDecrTo(c.rejected(), c.matchHint())).isEqualTo(c.wantOk());
    assertThat(pr.match()).isEqualTo(c.match());
    assertThat(pr.next()).isEqualTo(c.wantNext());
  }

  @Test
  void sentEntries_replicate_advancesNextAndPausesWhenFull() {
    Progress pr = new Progress(0, 1, new Inflights(2, 0), false, true);
    pr.becomeReplicate();
    pr.sentEntries(3, 30);
    assertThat(pr.next()).isEqualTo(4);
    assertThat(pr.msgAppFlowPaused()).isFalse();
    pr.sentEntries(0, 0); // an empty append adds nothing in flight
    assertThat(pr.inflights().count()).isEqualTo(1);
    pr.sentEntries(1, 10);
    assertThat(pr.next()).isEqualTo(5);
    assertThat(pr.msgAppFlowPaused()).isTrue();
    assertThat(pr.isPaused()).isTrue();
    assertThat(pr.maybeUpdate(3)).isTrue();
    pr.inflights().freeLE(3);
    assertThat(pr.isPaused()).isFalse();
  }

  @Test
  void sentEntries_probe_pausesOnlyOnNonEmptyAppend() {
    Progress pr = progress(STATE_PROBE, 0, 1);
    pr.sentEntries(0, 0);
    assertThat(pr.msgAppFlowPaused()).isFalse();
    pr.sentEntries(2, 5);
    assertThat(pr.msgAppFlowPaused()).isTrue();
    assertThat(pr.next()).as("probing does not advance next").isEqualTo(1);
  }

  @Test
  void sentEntries_snapshot_throws() {
    Progress pr = progress(STATE_PROBE, 0, 1);
    pr.becomeSnapshot(5);
    assertThatThrownBy(() -> pr.sentEntries(1, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sending append in unhandled state StateSnapshot");
  }

  @Test
  void canBumpCommit_stopsOnceCommitReachesNextMinusOne() {
    Progress pr = progress(STATE_REPLICATE, 0, 6);
    assertThat(pr.canBumpCommit(3)).isTrue();
    pr.sentCommit(3);
    assertThat(pr.canBumpCommit(3)).as("already sent").isFalse();
    assertThat(pr.canBumpCommit(7)).isTrue();
    pr.sentCommit(5);
    assertThat(pr.canBumpCommit(7)).as("follower can't commit past next-1 = 5").isFalse();
    // A rejection regresses sentCommit, so the commit index may be sent again.
    assertThat(pr.maybeDecrTo(5, 2)).isTrue();
    assertThat(pr.sentCommit()).isEqualTo(0);
    assertThat(pr.canBumpCommit(3)).isFalse();
  }

  @Test
  void copy_sharesInflightsLikeGoValueCopy() {
    Progress pr = progress(STATE_REPLICATE, 2, 3);
    pr.sentCommit(2);
    Progress c = pr.copy();
    assertThat(c.toString()).isEqualTo(pr.toString());
    assertThat(c.sentCommit()).isEqualTo(2);
    assertThat(c.inflights()).isSameAs(pr.inflights());
    pr.setMatch(9);
    assertThat(c.match()).isEqualTo(2);
  }
}
