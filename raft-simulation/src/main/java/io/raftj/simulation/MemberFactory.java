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
  Member create(long id, List<Peer> bootstrap, Scenario scenario, MemberListener listener, long randomSeed);
}
