package io.raftj.raft.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.confchange.Changer;
import io.raftj.raft.confchange.Restore;
import io.raftj.raft.quorum.VoteResult;
import io.raftj.raft.raftpb.ConfState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ProgressTrackerTest {

  /** A tracker holding the configuration of {@code cs}, every progress at match 0. */
  private static ProgressTracker tracker(ConfState cs) {
    ProgressTracker tr = new ProgressTracker(10, 0);
    Changer.Result r = Restore.restore(new Changer(tr, 1), cs);
    tr.setConfig(r.config());
    tr.setProgress(r.progress());
    return tr;
  }

  private static ConfState voters(long... ids) {
    ConfState.Builder b = ConfState.newBuilder();
    for (long id : ids) {
      b.addVoters(id);
    }
    return b.build();
  }

  private static ConfState joint(long[] incoming, long[] outgoing) {
    ConfState.Builder b = voters(incoming).toBuilder();
    for (long id : outgoing) {
      b.addVotersOutgoing(id);
    }
    return b.build();
  }

  private static void setMatches(ProgressTracker tr, long... idAndMatch) {
    for (int i = 0; i < idAndMatch.length; i += 2) {
      tr.progress().get(idAndMatch[i]).setMatch(idAndMatch[i + 1]);
    }
  }

  @Test
  void newTracker_isEmpty() {
    ProgressTracker tr = new ProgressTracker(256, 0);
    assertThat(tr.config().toString()).isEqualTo("voters=()");
    assertThat(tr.progress().isEmpty()).isTrue();
    assertThat(tr.voterNodes()).isEmpty();
    assertThat(tr.learnerNodes()).isEmpty();
    assertThat(tr.isSingleton()).isFalse();
  }

  @Test
  void confState_alwaysCarriesAutoLeave() {
    ConfState cs = new ProgressTracker(10, 0).confState();
    assertThat(cs.hasAutoLeave()).isTrue();
    assertThat(cs.getAutoLeave()).isFalse();
    assertThat(cs.getVotersCount()).isZero();
  }

  @Test
  void isSingleton_onlyForOneVoterOutsideJointConfig() {
    assertThat(tracker(voters(1)).isSingleton()).isTrue();
    assertThat(tracker(voters(1, 2)).isSingleton()).isFalse();
    assertThat(tracker(joint(new long[] {1}, new long[] {1})).isSingleton()).isFalse();
    ConfState withLearner = voters(1).toBuilder().addLearners(2).build();
    assertThat(tracker(withLearner).isSingleton()).isTrue();
  }

  @Test
  void committed_majorityOfVotersIgnoringLearners() {
    ProgressTracker tr = tracker(voters(1, 2, 3).toBuilder().addLearners(4).build());
    setMatches(tr, 1, 5, 2, 3, 3, 1, 4, 100);
    assertThat(tr.committed()).isEqualTo(3);
    tr.progress().get(2).setMatch(7);
    assertThat(tr.committed()).isEqualTo(5);
  }

  @Test
  void committed_jointConfig_needsBothMajorities() {
    ProgressTracker tr = tracker(joint(new long[] {1, 2, 3}, new long[] {3, 4, 5}));
    setMatches(tr, 1, 9, 2, 9, 3, 6, 4, 2, 5, 1);
    // Incoming (1 2 3) has 9 on a majority, outgoing (3 4 5) only 2.
    assertThat(tr.committed()).isEqualTo(2);
    setMatches(tr, 4, 6);
    assertThat(tr.committed()).isEqualTo(6);
  }

  @Test
  void visit_ascendingUnsignedIds() {
    ProgressTracker tr = tracker(voters(-2L, 3, 1L << 63, 1).toBuilder().addLearners(2).build());
    List<String> seen = new ArrayList<>();
    tr.visit((id, pr) -> seen.add(Long.toUnsignedString(id) + (pr.isLearner() ? "L" : "")));
    assertThat(seen).containsExactly("1", "2L", "3", "9223372036854775808", "18446744073709551614");
  }

  @Test
  void quorumActive_countsRecentlyActiveVotersOnly() {
    ProgressTracker tr = tracker(voters(1, 2, 3).toBuilder().addLearners(4).addLearners(5).build());
    tr.visit((id, pr) -> pr.setRecentActive(false));
    tr.progress().get(1).setRecentActive(true);
    tr.progress().get(4).setRecentActive(true);
    tr.progress().get(5).setRecentActive(true);
    assertThat(tr.quorumActive()).as("learners don't count").isFalse();
    tr.progress().get(3).setRecentActive(true);
    assertThat(tr.quorumActive()).isTrue();
  }

  @Test
  void quorumActive_jointConfig_needsBothHalves() {
    ProgressTracker tr = tracker(joint(new long[] {1, 2, 3}, new long[] {4, 5, 6}));
    tr.visit((id, pr) -> pr.setRecentActive(id <= 3));
    assertThat(tr.quorumActive()).isFalse();
    tr.progress().get(4).setRecentActive(true);
    tr.progress().get(6).setRecentActive(true);
    assertThat(tr.quorumActive()).isTrue();
  }

  @Test
  void voterAndLearnerNodes_sortedAcrossJointHalves() {
    ConfState cs =
        joint(new long[] {5, 1, 3}, new long[] {3, 2, 5}).toBuilder()
            .addLearners(9)
            .addLearners(7)
            .build();
    ProgressTracker tr = tracker(cs);
    assertThat(tr.voterNodes()).containsExactly(1, 2, 3, 5);
    assertThat(tr.learnerNodes()).containsExactly(7, 9);
  }

  @Test
  void recordVote_firstVoteStandsUntilReset() {
    ProgressTracker tr = tracker(voters(1, 2, 3));
    tr.recordVote(1, true);
    tr.recordVote(1, false);
    assertThat(tr.votes().get(1L)).isTrue();
    assertThat(tr.votes().get(2L)).isNull();
    tr.resetVotes();
    assertThat(tr.votes().get(1L)).isNull();
    tr.recordVote(1, false);
    assertThat(tr.votes().get(1L)).isFalse();
  }

  @Test
  void tallyVotes_countsTrackedVotersAndDecides() {
    ProgressTracker tr = tracker(voters(1, 2, 3, 4, 5).toBuilder().addLearners(6).build());
    tr.recordVote(1, true);
    tr.recordVote(6, true); // a learner's vote is neither counted nor decisive
    tr.recordVote(9, false); // nor is that of a peer outside the configuration
    assertThat(tr.tallyVotes()).isEqualTo(new ProgressTracker.Tally(1, 0, VoteResult.VOTE_PENDING));
    tr.recordVote(2, false);
    tr.recordVote(3, false);
    assertThat(tr.tallyVotes()).isEqualTo(new ProgressTracker.Tally(1, 2, VoteResult.VOTE_PENDING));
    tr.recordVote(4, false);
    assertThat(tr.tallyVotes()).isEqualTo(new ProgressTracker.Tally(1, 3, VoteResult.VOTE_LOST));
  }

  @Test
  void tallyVotes_jointConfig_wonOnlyWithBothMajorities() {
    ProgressTracker tr = tracker(joint(new long[] {1, 2, 3}, new long[] {1, 4, 5}));
    tr.recordVote(1, true);
    tr.recordVote(2, true);
    assertThat(tr.tallyVotes().result()).isEqualTo(VoteResult.VOTE_PENDING);
    tr.recordVote(4, true);
    assertThat(tr.tallyVotes()).isEqualTo(new ProgressTracker.Tally(3, 0, VoteResult.VOTE_WON));
  }
}
