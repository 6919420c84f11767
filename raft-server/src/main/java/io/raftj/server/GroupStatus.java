package io.raftj.server;

import io.raftj.raft.StateType;
import java.util.List;

/**
 * A group member's state as of its last loop turn: immutable, readable from any thread.
 *
 * @param groupId the group
 * @param serverId this member's server
 * @param role this member's role
 * @param leader the leader's server ID, or 0 when none is known
 * @param term the current term
 * @param commit the commit index
 * @param applied the index applied to the state machine
 * @param voters the voters, in ascending unsigned order (the incoming set during a joint change)
 * @param learners the learners, in ascending unsigned order
 * @param quiesced whether the member has stopped ticking because the group is idle
 */
public record GroupStatus(
    long groupId,
    long serverId,
    StateType role,
    long leader,
    long term,
    long commit,
    long applied,
    List<Long> voters,
    List<Long> learners,
    boolean quiesced) {

  /** Whether this member is the leader. */
  public boolean isLeader() {
    return role == StateType.STATE_LEADER;
  }
}
