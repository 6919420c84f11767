package io.raftj.raft.tracker;

import java.util.List;

/**
 * A read-only copy of a node's configuration as {@code RawNode.status()} reports it: the voters
 * (two halves while joint), the learners, the learners staged for leaving the joint configuration,
 * and whether Raft leaves it by itself. Mirrors {@code Config} in etcd's {@code
 * tracker/tracker.go}.
 *
 * @param incoming the voters of the incoming (current) configuration, ascending in unsigned order
 * @param outgoing the voters of the outgoing configuration; empty unless joint
 * @param learners the learners, ascending in unsigned order
 * @param learnersNext outgoing voters that become learners when the joint configuration is left
 * @param autoLeave true if the configuration is joint and Raft leaves it by itself
 */
public record ConfigView(
    List<Long> incoming,
    List<Long> outgoing,
    List<Long> learners,
    List<Long> learnersNext,
    boolean autoLeave) {

  /** Copies the lists, which are then unmodifiable. */
  public ConfigView {
    incoming = List.copyOf(incoming);
    outgoing = List.copyOf(outgoing);
    learners = List.copyOf(learners);
    learnersNext = List.copyOf(learnersNext);
  }

  /** Whether the configuration is joint: the outgoing half is not empty. */
  public boolean isJoint() {
    return !outgoing.isEmpty();
  }

  /** Whether {@code id} is a voter in either half. */
  public boolean isVoter(long id) {
    return incoming.contains(id) || outgoing.contains(id);
  }

  /**
   * Returns etcd's form, e.g. {@code voters=(1 2 3)&&(1) learners=(2) learners_next=(1) autoleave}
   * (IDs in hex); the learner parts appear only when not empty.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("voters=");
    ids(sb, incoming);
    if (!outgoing.isEmpty()) {
      ids(sb.append("&&"), outgoing);
    }
    if (!learners.isEmpty()) {
      ids(sb.append(" learners="), learners);
    }
    if (!learnersNext.isEmpty()) {
      ids(sb.append(" learners_next="), learnersNext);
    }
    if (autoLeave) {
      sb.append(" autoleave");
    }
    return sb.toString();
  }

  /** {@code (1 2 3)}: the IDs in hex. */
  private static void ids(StringBuilder sb, List<Long> ids) {
    sb.append('(');
    for (int k = 0; k < ids.size(); k++) {
      if (k > 0) {
        sb.append(' ');
      }
      sb.append(Long.toHexString(ids.get(k)));
    }
    sb.append(')');
  }
}
