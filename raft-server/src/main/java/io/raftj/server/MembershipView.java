package io.raftj.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The group's membership as applied on this member, with the history a snapshot needs: the
 * configuration as of any index since the last snapshot. Confined to the loop thread; the lists it
 * hands out are immutable and replaced, never changed, so identity tells a change.
 */
final class MembershipView {

  private record Change(long index, ConfState confState) {}

  private final List<Change> history = new ArrayList<>();
  private List<Long> voters = List.of();
  private List<Long> learners = List.of();

  MembershipView(ConfState initial, long index) {
    reset(initial, index);
  }

  /** Starts over from a snapshot's configuration. */
  void reset(ConfState cs, long index) {
    history.clear();
    history.add(new Change(index, cs));
    refresh(cs);
  }

  /** Records the configuration after the change committed at {@code index}. */
  void changed(ConfState cs, long index) {
    history.add(new Change(index, cs));
    refresh(cs);
  }

  /** The configuration as of {@code index}. */
  ConfState at(long index) {
    ConfState cs = history.get(0).confState;
    for (Change c : history) {
      if (c.index <= index) {
        cs = c.confState;
      }
    }
    return cs;
  }

  /** Drops history a snapshot at {@code index} no longer needs. */
  void forgetBefore(long index) {
    while (history.size() > 1 && history.get(1).index <= index) {
      history.remove(0);
    }
  }

  List<Long> voters() {
    return voters;
  }

  List<Long> learners() {
    return learners;
  }

  /** Voters and learners. */
  List<Long> members() {
    List<Long> all = new ArrayList<>(voters);
    all.addAll(learners);
    return all;
  }

  boolean contains(long id) {
    return voters.contains(id) || learners.contains(id);
  }

  boolean isVoter(long id) {
    return voters.contains(id);
  }

  Membership current(long index) {
    return new Membership(index, voters, learners);
  }

  /** The conf change a committed membership entry carries. */
  static ConfChangeI decode(Entry e) {
    try {
      if (e.getType() == EntryType.EntryConfChange) {
        return ConfChangeI.of(ConfChange.parseFrom(e.getData()));
      }
      return ConfChangeI.of(ConfChangeV2.parseFrom(e.getData()));
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException(
          "committed membership change at index " + e.getIndex() + " does not parse", ex);
    }
  }

  /** The conf change that carries {@code op} for server {@code id}. */
  static ConfChange confChange(GroupEvent.MembershipOp op, long id) {
    ConfChangeType type =
        switch (op) {
          case ADD_VOTER, PROMOTE -> ConfChangeType.ConfChangeAddNode;
          case ADD_LEARNER -> ConfChangeType.ConfChangeAddLearnerNode;
          case REMOVE -> ConfChangeType.ConfChangeRemoveNode;
        };
    return ConfChange.newBuilder().setType(type).setNodeId(id).build();
  }

  /** Why {@code op} on server {@code id} would break the group or change nothing, or null. */
  String refusal(GroupEvent.MembershipOp op, long id) {
    String who = "server " + Long.toUnsignedString(id);
    if (id == 0) {
      return "0 cannot be a member ID";
    }
    return switch (op) {
      case ADD_VOTER ->
          voters.contains(id)
              ? who + " is already a voter"
              : learners.contains(id) ? who + " is a learner: promote it instead" : null;
      case ADD_LEARNER ->
          voters.contains(id)
              ? who + " is already a voter"
              : learners.contains(id) ? who + " is already a learner" : null;
      case PROMOTE ->
          learners.contains(id)
              ? null
              : voters.contains(id) ? who + " is already a voter" : who + " is not a learner";
      case REMOVE ->
          !contains(id)
              ? who + " is not a member"
              : voters.size() == 1 && voters.get(0) == id
                  ? "cannot remove " + who + ": it is the last voter"
                  : null;
    };
  }

  private void refresh(ConfState cs) {
    voters = sorted(cs.getVotersList(), cs.getVotersOutgoingList());
    learners = sorted(cs.getLearnersList(), cs.getLearnersNextList());
  }

  private static List<Long> sorted(List<Long> a, List<Long> b) {
    List<Long> all = new ArrayList<>(a);
    for (Long x : b) {
      if (!all.contains(x)) {
        all.add(x);
      }
    }
    all.sort(Long::compareUnsigned);
    return Collections.unmodifiableList(all);
  }
}
