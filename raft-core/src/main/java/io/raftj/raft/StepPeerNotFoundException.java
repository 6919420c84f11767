package io.raftj.raft;

/**
 * A response message came from a peer this node does not track. Mirrors etcd's {@code
 * ErrStepPeerNotFound}, returned by {@code RawNode.step}. Stackless.
 */
public final class StepPeerNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The single instance. */
  public static final StepPeerNotFoundException INSTANCE = new StepPeerNotFoundException();

  private StepPeerNotFoundException() {
    super("raft: cannot step as peer not found", null, false, false);
  }
}
