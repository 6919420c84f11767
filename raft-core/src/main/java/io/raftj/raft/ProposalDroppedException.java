package io.raftj.raft;

/**
 * A proposal was dropped: there is no leader, forwarding is disabled, a leader transfer is in
 * progress, this node was removed, or the uncommitted-size budget is spent. Mirrors etcd's {@code
 * ErrProposalDropped}; the caller may retry. Stackless: it is a frequent outcome.
 */
public final class ProposalDroppedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The single instance. */
  public static final ProposalDroppedException INSTANCE = new ProposalDroppedException();

  private ProposalDroppedException() {
    super("raft proposal dropped", null, false, false);
  }
}
