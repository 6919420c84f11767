package io.raftj.simulation;

import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeTransition;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws the next membership change for a configuration: add or remove a voter, add or promote a
 * learner (simple changes, {@code ConfChange}), or replace one voter by another in one joint change
 * ({@code ConfChangeV2}, left automatically). Voters never drop below three.
 */
final class Membership {

  /** A change; {@code removed} is the voter it takes out, or 0. */
  record Change(ConfChangeI change, String description, long removed) {
    Change(ConfChangeI change, String description) {
      this(change, description, 0);
    }
  }

  private Membership() {}

  /** A change to {@code cs} among members 1..{@code members}, or null if none fits now. */
  static Change next(ConfState cs, int members, Random r) {
    return next(cs, members, r, java.util.Set.of());
  }

  /** As above, never adding a member in {@code banned} back. */
  static Change next(ConfState cs, int members, Random r, java.util.Set<Long> banned) {
    if (cs.getVotersOutgoingCount() > 0 || cs.getVotersCount() == 0) {
      return null; // joint: the leader leaves it by itself
    }
    List<Long> voters = cs.getVotersList();
    List<Long> learners = cs.getLearnersList();
    List<Long> outside = new ArrayList<>();
    for (long id = 1; id <= members; id++) {
      if (!voters.contains(id) && !learners.contains(id) && !banned.contains(id)) {
        outside.add(id);
      }
    }
    switch (r.nextInt(5)) {
      case 0:
        if (!outside.isEmpty()) {
          long id = pick(outside, r);
          return simple(ConfChangeType.ConfChangeAddNode, id, "add voter " + id);
        }
        return null;
      case 1:
        if (voters.size() > 3) {
          long id = pick(voters, r);
          Change c = simple(ConfChangeType.ConfChangeRemoveNode, id, "remove voter " + id);
          return new Change(c.change(), c.description(), id);
        }
        return null;
      case 2:
        if (!outside.isEmpty()) {
          long id = pick(outside, r);
          return simple(ConfChangeType.ConfChangeAddLearnerNode, id, "add learner " + id);
        }
        return null;
      case 3:
        if (!learners.isEmpty()) {
          long id = pick(learners, r);
          return simple(ConfChangeType.ConfChangeAddNode, id, "promote learner " + id);
        }
        return null;
      default:
        List<Long> candidates = new ArrayList<>(outside);
        candidates.addAll(learners);
        if (candidates.isEmpty()) {
          return null;
        }
        long in = pick(candidates, r);
        long out = pick(voters, r);
        ConfChangeV2 cc =
            ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.ConfChangeTransitionAuto)
                .addChanges(single(ConfChangeType.ConfChangeAddNode, in))
                .addChanges(single(ConfChangeType.ConfChangeRemoveNode, out))
                .build();
        return new Change(
            ConfChangeI.of(cc), "joint change: voter " + in + " in, voter " + out + " out", out);
    }
  }

  private static long pick(List<Long> ids, Random r) {
    return ids.get(r.nextInt(ids.size()));
  }

  private static Change simple(ConfChangeType type, long id, String description) {
    return new Change(
        ConfChangeI.of(ConfChange.newBuilder().setType(type).setNodeId(id).build()), description);
  }

  private static ConfChangeSingle single(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }
}
