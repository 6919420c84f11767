package io.raftj.raft.tracker.internal;

import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.tracker.ConfigView;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration a {@link ProgressTracker} tracks: the (possibly joint) voters, the learners,
 * the learners staged for when the joint configuration is left, and whether Raft leaves it by
 * itself. Mirrors {@code Config} in etcd's {@code tracker/tracker.go}.
 *
 * <p>The configuration changes by replacing it with one that {@code confchange.Changer} built;
 * nothing edits the ID sets of an installed configuration, though they are mutable objects. Not
 * thread-safe, like the tracker that holds it.
 *
 * <p>Invariant: learners and voters do not intersect; a peer in either half of {@code voters} is
 * not a learner, and a learner is in neither half. This lets a peer know its role without looking
 * at joint consensus.
 *
 * <p>Invariant: {@code learnersNext} is empty unless the configuration is joint. Demoting a voter
 * while entering a joint configuration would make it a voter (in the outgoing half) and a learner
 * at once; instead it stays a voter and is staged in {@code learnersNext}. For example, demoting 3
 * from voters {1 2 3} gives voters {1 2}&amp;&amp;{1 2 3}, learners {}, learnersNext {3}; leaving
 * the joint configuration then gives voters {1 2}, learners {3}. A learner that is not an outgoing
 * voter is added to {@code learners} right away, so that it catches up as soon as possible.
 *
 * @param voters the incoming and outgoing voters; the outgoing half is empty unless joint
 * @param learners the learners of the current configuration
 * @param learnersNext outgoing voters that become learners when the joint configuration is left
 * @param autoLeave true if the configuration is joint and Raft should leave it by itself when it
 *     can; false if the application leaves it explicitly
 */
public record TrackerConfig(
    JointConfig voters, MajorityConfig learners, MajorityConfig learnersNext, boolean autoLeave) {

  /** Returns the configuration of a new tracker: no voters, no learners. */
  public static TrackerConfig empty() {
    return new TrackerConfig(new JointConfig(), new MajorityConfig(), new MajorityConfig(), false);
  }

  /**
   * Returns a deep copy. Unlike etcd's {@code Config.Clone}, which drops {@code AutoLeave} (so that
   * etcd's {@code Status.Config} always reports false), the copy keeps every field.
   */
  public TrackerConfig copy() {
    return new TrackerConfig(voters.copy(), learners.copy(), learnersNext.copy(), autoLeave);
  }

  /** Returns a read-only copy, as {@code RawNode.status()} hands it out. */
  public ConfigView view() {
    return new ConfigView(
        ids(voters.incoming()),
        ids(voters.outgoing()),
        ids(learners),
        ids(learnersNext),
        autoLeave);
  }

  private static List<Long> ids(MajorityConfig c) {
    List<Long> ids = new ArrayList<>(c.size());
    for (int i = 0; i < c.size(); i++) {
      ids.add(c.id(i));
    }
    return ids;
  }

  /**
   * Returns etcd's form, e.g. {@code voters=(1 2 3)&&(1) learners=(2) learners_next=(1) autoleave}
   * (IDs in hex); the learner parts appear only when not empty. See {@link ConfigView#toString()}.
   */
  @Override
  public String toString() {
    return view().toString();
  }
}
