package io.raftj.raft.raftpb;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Order-insensitive comparison of {@link ConfState}s. Mirrors {@code Equivalent} in etcd's {@code
 * raftpb/confstate.go}: two states are equivalent when their voters, learners, outgoing voters and
 * next learners are equal as sets of IDs and their auto-leave flags agree (an unset flag counts as
 * false).
 */
public final class ConfStates {

  private ConfStates() {}

  /** Tells whether {@code a} and {@code b} describe the same configuration. */
  public static boolean equivalent(@Nullable ConfState a, @Nullable ConfState b) {
    return equivalenceError(a, b) == null;
  }

  /**
   * Returns null when {@code a} and {@code b} are equivalent, and otherwise the text of etcd's
   * error. The states are rendered as etcd's {@code DescribeConfState} does, where Go prints its
   * struct syntax.
   */
  public static @Nullable String equivalenceError(@Nullable ConfState a, @Nullable ConfState b) {
    if (a == null || b == null) {
      return "cannot compare ConfState: nil input (left="
          + (a == null)
          + ", right="
          + (b == null)
          + ")";
    }
    ConfState sa = sorted(a);
    ConfState sb = sorted(b);
    if (sa.equals(sb)) {
      return null;
    }
    return "ConfStates not equivalent after sorting:\n"
        + describe(sa)
        + "\n"
        + describe(sb)
        + "\nInputs were:\n"
        + describe(a)
        + "\n"
        + describe(b);
  }

  private static ConfState sorted(ConfState cs) {
    return ConfState.newBuilder()
        .addAllVoters(sortedIds(cs.getVotersList()))
        .addAllLearners(sortedIds(cs.getLearnersList()))
        .addAllVotersOutgoing(sortedIds(cs.getVotersOutgoingList()))
        .addAllLearnersNext(sortedIds(cs.getLearnersNextList()))
        .setAutoLeave(cs.getAutoLeave())
        .build();
  }

  private static List<Long> sortedIds(List<Long> ids) {
    Long[] sorted = ids.toArray(new Long[0]);
    Arrays.sort(sorted, Long::compareUnsigned);
    return Arrays.asList(sorted);
  }

  /** The fields as etcd's {@code DescribeConfState} lists them. */
  private static String describe(ConfState cs) {
    return "Voters:"
        + ids(cs.getVotersList())
        + " VotersOutgoing:"
        + ids(cs.getVotersOutgoingList())
        + " Learners:"
        + ids(cs.getLearnersList())
        + " LearnersNext:"
        + ids(cs.getLearnersNextList())
        + " AutoLeave:"
        + cs.getAutoLeave();
  }

  private static String ids(List<Long> ids) {
    StringBuilder buf = new StringBuilder().append('[');
    for (int i = 0; i < ids.size(); i++) {
      if (i > 0) {
        buf.append(' ');
      }
      buf.append(Long.toUnsignedString(ids.get(i)));
    }
    return buf.append(']').toString();
  }
}
