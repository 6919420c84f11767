package io.raftj.simulation;

import io.raftj.raft.Peer;
import java.util.List;

/** Makes the members of a {@link World}; the default makes {@link RawNodeMember}s. */
@FunctionalInterface
public interface MemberFactory {

  /**
   * A member with an empty disk that bootstraps {@code bootstrap} (empty: it waits to be added),
   * reports to {@code listener} and draws its randomness from {@code randomSeed}.
   */
  Member create(
      long id, List<Peer> bootstrap, Scenario scenario, MemberListener listener, long randomSeed);

  /**
   * Whether its members report every entry they apply ({@link MemberListener#applied}), or only
   * client writes, so that applied indexes may skip.
   */
  default boolean appliesEveryEntry() {
    return true;
  }

  /**
   * Whether a member removed from the configuration may be added back. A {@code RaftServer} member
   * stops for good once it applies its own removal (etcd refuses a removed ID as well).
   */
  default boolean rejoinsAfterRemoval() {
    return true;
  }

  /**
   * Whether its members keep what they saved across a crash. Worlds of members that do not (a log
   * on the heap) have no crashes: a member that restarted empty under its old ID could vote twice
   * in one term.
   */
  default boolean survivesCrashes() {
    return true;
  }

  /** What {@code bin/raft-sim} needs besides the seed to build a world of these members. */
  default String replayFlags() {
    return "";
  }
}
