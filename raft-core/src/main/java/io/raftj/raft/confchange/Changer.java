package io.raftj.raft.confchange;

import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.tracker.internal.Inflights;
import io.raftj.raft.tracker.internal.Progress;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.ProgressTracker;
import io.raftj.raft.tracker.internal.TrackerConfig;
import java.util.List;
import java.util.Objects;

/**
 * Validates and carries out configuration changes, simple or through joint consensus, refusing
 * invalid ones before they affect the active configuration. Mirrors {@code Changer} in etcd's
 * {@code confchange/confchange.go}.
 *
 * <p>Each operation reads the tracker's configuration and progress map, works on copies and returns
 * them as a {@link Result}; the tracker itself is left alone, and the caller installs the result
 * (in Raft, {@code switchToConfig}). Progress created for a new peer starts probing at {@code
 * max(lastIndex, 1)}; the copies of existing progress share their inflights with the originals.
 *
 * <p>Every operation also refuses, with etcd's text, a tracker whose configuration and progress map
 * disagree (a peer without progress, a learner that is also a voter, and the like), and checks its
 * own result the same way.
 */
public final class Changer {

  /** A new configuration and the progress map that goes with it. */
  public record Result(TrackerConfig config, ProgressMap progress) {}

  private final ProgressTracker tracker;
  private final long lastIndex;

  /**
   * Creates a changer for the configuration of {@code tracker}, whose new peers start at {@code
   * lastIndex}, the last index of the log.
   */
  public Changer(ProgressTracker tracker, long lastIndex) {
    this.tracker = tracker;
    this.lastIndex = lastIndex;
  }

  /** The tracker whose configuration the changes start from. */
  public ProgressTracker tracker() {
    return tracker;
  }

  /** The index of the last entry in the log, which new progress starts after. */
  public long lastIndex() {
    return lastIndex;
  }

  /**
   * Enters a joint configuration: the outgoing majority becomes a copy of the incoming one, and
   * {@code ccs} are then applied to the incoming one, giving C<sub>new,old</sub> (Raft thesis
   * §4.3). {@code autoLeave} is recorded in the result for Raft to act on.
   *
   * @throws ConfChangeException if the configuration is already joint, has no voters, or the
   *     changes remove all voters
   */
  public Result enterJoint(boolean autoLeave, List<ConfChangeSingle> ccs) {
    Draft d = checkAndCopy();
    if (d.joint()) {
      throw new ConfChangeException("config is already joint");
    }
    if (d.incoming.isEmpty()) {
      // An empty config may receive voters (bootstrap, tests), but can't become joint.
      throw new ConfChangeException("can't make a zero-voter config joint");
    }
    d.outgoing.clear();
    d.outgoing.addAll(d.incoming);
    apply(d, ccs);
    d.autoLeave = autoLeave;
    return checkAndReturn(d);
  }

  /**
   * Leaves a joint configuration: the incoming majority alone decides from now on
   * (C<sub>new</sub>), staged learners become learners, and peers that were only outgoing voters
   * are no longer tracked.
   *
   * @throws ConfChangeException if the configuration is not joint
   */
  public Result leaveJoint() {
    Draft d = checkAndCopy();
    if (!d.joint()) {
      throw new ConfChangeException("can't leave a non-joint config");
    }
    for (int i = 0; i < d.learnersNext.size(); i++) {
      long id = d.learnersNext.id(i);
      d.learners.add(id);
      Objects.requireNonNull(d.progress.get(id)).setIsLearner(true);
    }
    d.learnersNext.clear();
    for (int i = 0; i < d.outgoing.size(); i++) {
      long id = d.outgoing.id(i);
      if (!d.incoming.contains(id) && !d.learners.contains(id)) {
        d.progress.remove(id);
      }
    }
    d.outgoing.clear();
    d.autoLeave = false;
    return checkAndReturn(d);
  }

  /**
   * Applies {@code ccs}, which together may change the set of incoming voters by at most one
   * member, without joint consensus.
   *
   * @throws ConfChangeException if the configuration is joint, more than one voter changes, or no
   *     voter is left
   */
  public Result simple(List<ConfChangeSingle> ccs) {
    Draft d = checkAndCopy();
    if (d.joint()) {
      throw new ConfChangeException("can't apply simple config change in joint config");
    }
    apply(d, ccs);
    if (symdiff(tracker.config().voters().incoming(), d.incoming) > 1) {
      throw new ConfChangeException("more than one voter changed without entering joint config");
    }
    return checkAndReturn(d);
  }

  /** Applies each change to the incoming voters; the outgoing ones are left as they are. */
  private void apply(Draft d, List<ConfChangeSingle> ccs) {
    for (ConfChangeSingle cc : ccs) {
      long id = cc.getNodeId();
      if (id == 0) {
        // Hosts zero the node ID of a change they decided not to apply.
        continue;
      }
      switch (cc.getType()) {
        case ConfChangeAddNode:
          makeVoter(d, id);
          break;
        case ConfChangeAddLearnerNode:
          makeLearner(d, id);
          break;
        case ConfChangeRemoveNode:
          remove(d, id);
          break;
        case ConfChangeUpdateNode:
          break;
        default:
          throw new ConfChangeException("unexpected conf type " + cc.getType().getNumber());
      }
    }
    if (d.incoming.isEmpty()) {
      throw new ConfChangeException("removed all voters");
    }
  }

  /** Adds {@code id} as an incoming voter, or promotes it. */
  private void makeVoter(Draft d, long id) {
    Progress pr = d.progress.get(id);
    if (pr == null) {
      initProgress(d, id, false);
      return;
    }
    pr.setIsLearner(false);
    d.learners.remove(id);
    d.learnersNext.remove(id);
    d.incoming.add(id);
  }

  /**
   * Adds {@code id} as a learner or demotes it. A peer that is still an outgoing voter can't be a
   * learner too, so its demotion is staged in learnersNext until the joint config is left.
   */
  private void makeLearner(Draft d, long id) {
    Progress pr = d.progress.get(id);
    if (pr == null) {
      initProgress(d, id, true);
      return;
    }
    if (pr.isLearner()) {
      return;
    }
    remove(d, id);
    // Keep the progress the removal may have dropped: the peer stays, only its role changes.
    d.progress.put(id, pr);
    if (d.outgoing.contains(id)) {
      d.learnersNext.add(id);
    } else {
      pr.setIsLearner(true);
      d.learners.add(id);
    }
  }

  /** Removes {@code id} as an incoming voter or learner. */
  private void remove(Draft d, long id) {
    if (!d.progress.containsKey(id)) {
      return;
    }
    d.incoming.remove(id);
    d.learners.remove(id);
    d.learnersNext.remove(id);
    // An outgoing voter keeps its progress until the joint config is left.
    if (!d.outgoing.contains(id)) {
      d.progress.remove(id);
    }
  }

  private void initProgress(Draft d, long id, boolean isLearner) {
    if (!isLearner) {
      d.incoming.add(id);
    } else {
      d.learners.add(id);
    }
    // Probing from the last index is optimistic (a new peer usually has no log and will need a
    // snapshot), but it is what etcd does. A new peer counts as recently active, so that check
    // quorum doesn't depose the leader before the peer had a chance to respond.
    d.progress.put(
        id,
        new Progress(
            0,
            Math.max(lastIndex, 1),
            new Inflights(tracker.maxInflight(), tracker.maxInflightBytes()),
            isLearner,
            true));
  }

  /** Copies the tracker's config and progress after checking that they are consistent. */
  private Draft checkAndCopy() {
    Draft d = new Draft(tracker.config(), tracker.progress());
    checkInvariants(d);
    return d;
  }

  private static Result checkAndReturn(Draft d) {
    checkInvariants(d);
    return new Result(d.toConfig(), d.progress);
  }

  /**
   * Checks that the config and progress map fit each other. The empty config passes on purpose, so
   * that a first config can be built from it.
   */
  private static void checkInvariants(Draft d) {
    for (MajorityConfig ids : List.of(d.incoming, d.outgoing, d.learners, d.learnersNext)) {
      for (int i = 0; i < ids.size(); i++) {
        long id = ids.id(i);
        if (!d.progress.containsKey(id)) {
          throw new ConfChangeException("no progress for " + Long.toUnsignedString(id));
        }
      }
    }
    // A learner is staged only because it is still an outgoing voter.
    for (int i = 0; i < d.learnersNext.size(); i++) {
      long id = d.learnersNext.id(i);
      if (!d.outgoing.contains(id)) {
        throw new ConfChangeException(
            Long.toUnsignedString(id) + " is in LearnersNext, but not Voters[1]");
      }
      if (Objects.requireNonNull(d.progress.get(id)).isLearner()) {
        throw new ConfChangeException(
            Long.toUnsignedString(id) + " is in LearnersNext, but is already marked as learner");
      }
    }
    // Learners and voters never overlap.
    for (int i = 0; i < d.learners.size(); i++) {
      long id = d.learners.id(i);
      if (d.outgoing.contains(id)) {
        throw new ConfChangeException(Long.toUnsignedString(id) + " is in Learners and Voters[1]");
      }
      if (d.incoming.contains(id)) {
        throw new ConfChangeException(Long.toUnsignedString(id) + " is in Learners and Voters[0]");
      }
      if (!Objects.requireNonNull(d.progress.get(id)).isLearner()) {
        throw new ConfChangeException(
            Long.toUnsignedString(id) + " is in Learners, but is not marked as learner");
      }
    }
    if (!d.joint()) {
      // etcd also insists here that the outgoing voters be nil rather than empty; an empty set is
      // the only form an unused outgoing config has in this port, so there is nothing to check.
      if (!d.learnersNext.isEmpty()) {
        throw new ConfChangeException("cfg.LearnersNext must be nil when not joint");
      }
      if (d.autoLeave) {
        throw new ConfChangeException("AutoLeave must be false when not joint");
      }
    }
  }

  /**
   * Returns the changes as space-separated {@code Type(id)} items, e.g. {@code ConfChangeAddNode(2)
   * ConfChangeRemoveNode(3)}. Go: {@code confchange.Describe}.
   */
  public static String describe(List<ConfChangeSingle> ccs) {
    StringBuilder sb = new StringBuilder();
    for (ConfChangeSingle cc : ccs) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(cc.getType().name())
          .append('(')
          .append(Long.toUnsignedString(cc.getNodeId()))
          .append(')');
    }
    return sb.toString();
  }

  /** Returns the size of the symmetric difference of {@code l} and {@code r}. */
  private static int symdiff(MajorityConfig l, MajorityConfig r) {
    return countMissing(l, r) + countMissing(r, l);
  }

  /** Returns how many members of {@code from} are not in {@code in}. */
  private static int countMissing(MajorityConfig from, MajorityConfig in) {
    int n = 0;
    for (int i = 0; i < from.size(); i++) {
      if (!in.contains(from.id(i))) {
        n++;
      }
    }
    return n;
  }
}
