package io.raftj.raft;

import io.raftj.raft.raftpb.HardState;

/**
 * A node's status without configuration and progress: cheap to take. Mirrors {@code BasicStatus} in
 * etcd's {@code status.go}.
 *
 * @param id this node's ID
 * @param hardState the current term, vote and commit index
 * @param softState the known leader and this node's role
 * @param applied the applied index
 * @param leadTransferee the target of a leader transfer in progress, or {@link RaftConstants#NONE}
 */
public record BasicStatus(
    long id, HardState hardState, SoftState softState, long applied, long leadTransferee) {

  /** The current term. */
  public long term() {
    return hardState.getTerm();
  }

  /** The vote in the current term, or {@link RaftConstants#NONE}. */
  public long vote() {
    return hardState.getVote();
  }

  /** The commit index. */
  public long commit() {
    return hardState.getCommit();
  }

  /** The known leader, or {@link RaftConstants#NONE}. */
  public long lead() {
    return softState.lead();
  }

  /** This node's role. */
  public StateType raftState() {
    return softState.raftState();
  }

  /**
   * Whether this node was the leader when the status was taken.
   *
   * @return true if {@link #raftState()} is {@link StateType#STATE_LEADER}
   */
  public boolean isLeader() {
    return softState.raftState() == StateType.STATE_LEADER;
  }

  static BasicStatus of(Raft r) {
    return new BasicStatus(
        r.id, r.hardState(), r.softState(), r.raftLog.applied(), r.leadTransferee);
  }
}
