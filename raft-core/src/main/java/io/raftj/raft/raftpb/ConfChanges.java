package io.raftj.raft.raftpb;

import io.raftj.raft.internal.GoFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers over {@link ConfChangeV2}: whether it enters or leaves a joint configuration, and etcd's
 * compact text form of a list of changes ({@code v1 l2 r3 u4}). Mirrors {@code EnterJoint}, {@code
 * LeaveJoint}, {@code ConfChangesFromString} and {@code ConfChangesToString} in etcd's {@code
 * raftpb/confchange.go}.
 */
public final class ConfChanges {

  /**
   * The answer of {@link #enterJoint}: {@code ok} says whether the change must use joint consensus,
   * and {@code autoLeave} whether Raft leaves the joint configuration by itself.
   */
  public record EnterJoint(boolean autoLeave, boolean ok) {}

  private static final EnterJoint SIMPLE = new EnterJoint(false, false);
  private static final EnterJoint JOINT_AUTO_LEAVE = new EnterJoint(true, true);
  private static final EnterJoint JOINT_EXPLICIT = new EnterJoint(false, true);

  private ConfChanges() {}

  /**
   * Tells whether {@code cc} must go through joint consensus and, if so, whether the joint
   * configuration is left automatically. Any transition other than auto, or more than one change,
   * uses joint consensus (even where a simple change would have been safe, as etcd does).
   */
  public static EnterJoint enterJoint(ConfChangeV2 cc) {
    ConfChangeTransition transition = cc.getTransition();
    if (transition == ConfChangeTransition.ConfChangeTransitionAuto && cc.getChangesCount() <= 1) {
      return SIMPLE;
    }
    switch (transition) {
      case ConfChangeTransitionAuto:
      case ConfChangeTransitionJointImplicit:
        return JOINT_AUTO_LEAVE;
      case ConfChangeTransitionJointExplicit:
        return JOINT_EXPLICIT;
      default:
        throw new IllegalStateException("unknown transition: " + cc);
    }
  }

  /**
   * Tells whether {@code cc} asks to leave a joint configuration: an auto transition with no
   * changes. The context is ignored.
   */
  public static boolean leaveJoint(ConfChangeV2 cc) {
    return cc.getTransition() == ConfChangeTransition.ConfChangeTransitionAuto
        && cc.getChangesCount() == 0;
  }

  /**
   * Parses space-separated tokens {@code v<id>} (add voter), {@code l<id>} (add learner), {@code
   * r<id>} (remove) and {@code u<id>} (update), with decimal IDs. Blank input gives an empty list.
   *
   * @throws IllegalArgumentException with etcd's error text: {@code unknown token <tok>}, {@code
   *     unknown input: <tok>}, or Go's {@code strconv.ParseUint} error
   */
  public static List<ConfChangeSingle> fromString(String s) {
    String trimmed = s.strip();
    List<ConfChangeSingle> ccs = new ArrayList<>();
    if (trimmed.isEmpty()) {
      return ccs;
    }
    // Split on single spaces, as Go's strings.Split does: doubled spaces give empty tokens.
    for (String tok : trimmed.split(" ", -1)) {
      if (tok.length() < 2) {
        throw new IllegalArgumentException("unknown token " + tok);
      }
      ConfChangeType type;
      switch (tok.charAt(0)) {
        case 'v':
          type = ConfChangeType.ConfChangeAddNode;
          break;
        case 'l':
          type = ConfChangeType.ConfChangeAddLearnerNode;
          break;
        case 'r':
          type = ConfChangeType.ConfChangeRemoveNode;
          break;
        case 'u':
          type = ConfChangeType.ConfChangeUpdateNode;
          break;
        default:
          throw new IllegalArgumentException("unknown input: " + tok);
      }
      long id = parseUint64(tok.substring(1));
      ccs.add(ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build());
    }
    return ccs;
  }

  /** Renders changes in the form {@link #fromString} reads, IDs in decimal. */
  public static String toString(List<ConfChangeSingle> ccs) {
    StringBuilder buf = new StringBuilder();
    for (int i = 0; i < ccs.size(); i++) {
      ConfChangeSingle cc = ccs.get(i);
      if (i > 0) {
        buf.append(' ');
      }
      switch (cc.getType()) {
        case ConfChangeAddNode:
          buf.append('v');
          break;
        case ConfChangeAddLearnerNode:
          buf.append('l');
          break;
        case ConfChangeRemoveNode:
          buf.append('r');
          break;
        case ConfChangeUpdateNode:
          buf.append('u');
          break;
        default:
          buf.append("unknown");
      }
      buf.append(Long.toUnsignedString(cc.getNodeId()));
    }
    return buf.toString();
  }

  /** Go's {@code strconv.ParseUint(s, 10, 64)}, with its error texts. */
  private static long parseUint64(String s) {
    boolean digits = !s.isEmpty();
    for (int i = 0; i < s.length() && digits; i++) {
      char c = s.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    String quoted = GoFormat.quote(s.getBytes(StandardCharsets.UTF_8));
    if (!digits) {
      throw new IllegalArgumentException(
          "strconv.ParseUint: parsing " + quoted + ": invalid syntax");
    }
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "strconv.ParseUint: parsing " + quoted + ": value out of range");
    }
  }
}
