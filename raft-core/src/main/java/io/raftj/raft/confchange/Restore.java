package io.raftj.raft.confchange;

import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.tracker.internal.ProgressTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a tracker configuration and progress map from a {@link ConfState}, joint configurations
 * included, by replaying changes that lead there from the empty configuration. Mirrors {@code
 * Restore} in etcd's {@code confchange/restore.go}.
 */
public final class Restore {

  /*
   * Following etcd's example: voters=(1 2 3) learners=(5) outgoing=(1 2 4 6) learners_next=(4).
   * Before the joint config was entered, the voters were (1 2 4 6) plus perhaps learners that are
   * gone by now; (1 2) stayed, (4 6) are leaving, 4 to become a learner. Whether 5 was a learner
   * before cannot be told, and does not matter. So the replay is
   *   outgoing changes: add 1, add 2, add 4, add 6            -> voters=(1 2 4 6)
   *   incoming changes: remove 1 2 4 6, add 1 2 3, learner 5, learner 4
   * the latter applied while entering the joint config     -> (1 2 3)&&(1 2 4 6) learners=(5)
   *                                                           learners_next=(4)
   * Without outgoing voters the incoming changes are applied one by one as simple changes.
   */

  private Restore() {}

  /**
   * Returns the configuration and progress described by {@code cs}, built with {@code chg}, which
   * must start from an empty configuration. The changer's tracker is not modified.
   *
   * @throws ConfChangeException if {@code cs} is not a valid configuration
   */
  public static Changer.Result restore(Changer chg, ConfState cs) {
    List<ConfChangeSingle> outgoing = new ArrayList<>(cs.getVotersOutgoingCount());
    for (long id : cs.getVotersOutgoingList()) {
      outgoing.add(change(ConfChangeType.ConfChangeAddNode, id));
    }
    List<ConfChangeSingle> incoming = new ArrayList<>();
    for (long id : cs.getVotersOutgoingList()) {
      incoming.add(change(ConfChangeType.ConfChangeRemoveNode, id));
    }
    for (long id : cs.getVotersList()) {
      incoming.add(change(ConfChangeType.ConfChangeAddNode, id));
    }
    for (long id : cs.getLearnersList()) {
      incoming.add(change(ConfChangeType.ConfChangeAddLearnerNode, id));
    }
    // Outgoing voters that are to become learners: entering the joint config stages them.
    for (long id : cs.getLearnersNextList()) {
      incoming.add(change(ConfChangeType.ConfChangeAddLearnerNode, id));
    }

    ProgressTracker original = chg.tracker();
    ProgressTracker scratch =
        new ProgressTracker(original.maxInflight(), original.maxInflightBytes());
    scratch.setConfig(original.config());
    scratch.setProgress(original.progress());
    Changer step = new Changer(scratch, chg.lastIndex());

    if (outgoing.isEmpty()) {
      for (ConfChangeSingle cc : incoming) {
        install(scratch, step.simple(List.of(cc)));
      }
    } else {
      // Make the outgoing voters the active config, e.g. (2 3 4)&&() for (1 2 3)&&(2 3 4), then
      // rotate them into the outgoing half while entering the joint config with the incoming ones.
      for (ConfChangeSingle cc : outgoing) {
        install(scratch, step.simple(List.of(cc)));
      }
      install(scratch, step.enterJoint(cs.getAutoLeave(), incoming));
    }
    return new Changer.Result(scratch.config(), scratch.progress());
  }

  private static void install(ProgressTracker tracker, Changer.Result r) {
    tracker.setConfig(r.config());
    tracker.setProgress(r.progress());
  }

  private static ConfChangeSingle change(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }
}
