package io.raftj.raft.quorum;

import java.util.Map;

/**
 * Two majority configurations, the incoming and the outgoing one, that must both agree: the joint
 * consensus of Raft §6 (thesis §4.3). Mirrors {@code JointConfig} in etcd's {@code
 * quorum/joint.go}, whose {@code [0]} is {@link #incoming()} and {@code [1]} is {@link
 * #outgoing()}. Outside a joint change the outgoing half is empty, and the configuration behaves
 * like its incoming half.
 *
 * <p>Both halves are mutable and owned by this object; not thread-safe.
 */
public final class JointConfig {

  private final MajorityConfig incoming;
  private final MajorityConfig outgoing;

  /** Creates a configuration with two empty halves. */
  public JointConfig() {
    this(new MajorityConfig(), new MajorityConfig());
  }

  /** Creates a configuration that owns the given halves (they are not copied). */
  public JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
    this.incoming = incoming;
    this.outgoing = outgoing;
  }

  /** The incoming (new) voters; Go: {@code c[0]}. */
  public MajorityConfig incoming() {
    return incoming;
  }

  /** The outgoing (old) voters, empty unless in a joint change; Go: {@code c[1]}. */
  public MajorityConfig outgoing() {
    return outgoing;
  }

  /** A deep copy. */
  public JointConfig copy() {
    return new JointConfig(incoming.copy(), outgoing.copy());
  }

  /** The voters of both halves, as a new configuration (Go: {@code IDs}). */
  public MajorityConfig ids() {
    MajorityConfig all = incoming.copy();
    all.addAll(outgoing);
    return all;
  }

  /**
   * The largest index committed in both halves: the smaller of the two halves' committed indexes.
   */
  public long committedIndex(AckedIndexer l) {
    long idx0 = incoming.committedIndex(l);
    long idx1 = outgoing.committedIndex(l);
    return Math.min(idx0, idx1);
  }

  /**
   * The outcome of a vote that needs both halves: the agreed result when they agree, lost when
   * either lost, pending otherwise.
   */
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    VoteResult r1 = incoming.voteResult(votes);
    VoteResult r2 = outgoing.voteResult(votes);
    if (r1 == r2) {
      return r1;
    }
    if (r1 == VoteResult.VOTE_LOST || r2 == VoteResult.VOTE_LOST) {
      return VoteResult.VOTE_LOST;
    }
    return VoteResult.VOTE_PENDING;
  }

  /** {@link MajorityConfig#describe} over the voters of both halves. */
  public String describe(AckedIndexer l) {
    return ids().describe(l);
  }

  /** {@code (1 2 3)}, or {@code (1 2)&&(3 4)} while the outgoing half is not empty. */
  @Override
  public String toString() {
    if (!outgoing.isEmpty()) {
      return incoming + "&&" + outgoing;
    }
    return incoming.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JointConfig
        && incoming.equals(((JointConfig) o).incoming)
        && outgoing.equals(((JointConfig) o).outgoing);
  }

  @Override
  public int hashCode() {
    return 31 * incoming.hashCode() + outgoing.hashCode();
  }
}
