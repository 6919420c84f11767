package io.raftj.raft.confchange;

import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.TrackerConfig;

/**
 * The copy of a tracker configuration and its progress map that {@link Changer} edits and then
 * returns, leaving the originals alone.
 */
final class Draft {

  final MajorityConfig incoming;
  final MajorityConfig outgoing;
  final MajorityConfig learners;
  final MajorityConfig learnersNext;
  boolean autoLeave;
  final ProgressMap progress;

  /**
   * Copies {@code cfg} and every progress in {@code progress}. The copy's autoLeave starts false,
   * as etcd's {@code Config.Clone} drops it: each operation decides it anew.
   */
  Draft(TrackerConfig cfg, ProgressMap progress) {
    this.incoming = cfg.voters().incoming().copy();
    this.outgoing = cfg.voters().outgoing().copy();
    this.learners = cfg.learners().copy();
    this.learnersNext = cfg.learnersNext().copy();
    this.progress = progress.copy();
  }

  boolean joint() {
    return !outgoing.isEmpty();
  }

  TrackerConfig toConfig() {
    return new TrackerConfig(
        new JointConfig(incoming, outgoing), learners, learnersNext, autoLeave);
  }
}
