package io.raftj.raft.rafttest;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeTransition;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfChanges;
import java.util.List;

/**
 * The proposal commands: {@code propose}, {@code propose-conf-change}, and the extension {@code
 * read-index}. Mirrors etcd's {@code rafttest/interaction_env_handler_propose.go} and {@code
 * interaction_env_handler_propose_conf_change.go}.
 *
 * <pre>
 * propose &lt;id&gt; &lt;data&gt;
 * propose-conf-change &lt;id&gt; [v1=&lt;bool&gt;] [transition=auto|implicit|explicit]
 * &lt;changes, e.g. v1 l2 r3 u4; empty to leave a joint config&gt;
 * read-index &lt;id&gt; [&lt;request-context&gt;]
 * </pre>
 *
 * The read state of {@code read-index} surfaces in a later Ready ({@code ReadStates}).
 */
final class ProposeCommands {

  private ProposeCommands() {}

  static void propose(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    if (d.cmdArgs().size() != 2 || !d.cmdArgs().get(1).vals().isEmpty()) {
      throw InteractionEnv.fatal(
          d,
          "expected exactly one key with no vals: " + d.cmdArgs().subList(1, d.cmdArgs().size()));
    }
    env.propose(idx, ByteString.copyFromUtf8(d.cmdArgs().get(1).key()));
  }

  static void readIndex(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    ByteString ctx =
        d.cmdArgs().size() > 1
            ? ByteString.copyFromUtf8(d.cmdArgs().get(1).key())
            : ByteString.EMPTY;
    env.node(idx).rawNode().readIndex(ctx);
  }

  static void proposeConfChange(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    boolean v1 = false;
    ConfChangeTransition transition = ConfChangeTransition.ConfChangeTransitionAuto;
    List<CmdArg> args = d.cmdArgs();
    for (CmdArg arg : args.subList(1, args.size())) {
      for (String val : arg.vals()) {
        switch (arg.key()) {
          case "v1" -> v1 = parseBool(val);
          case "transition" ->
              transition =
                  switch (val) {
                    case "auto" -> ConfChangeTransition.ConfChangeTransitionAuto;
                    case "implicit" -> ConfChangeTransition.ConfChangeTransitionJointImplicit;
                    case "explicit" -> ConfChangeTransition.ConfChangeTransitionJointExplicit;
                    default -> throw new InteractionException("unknown transition " + val);
                  };
          default -> throw new InteractionException("unknown command " + arg.key());
        }
      }
    }
    List<ConfChangeSingle> ccs;
    try {
      ccs = ConfChanges.fromString(d.input());
    } catch (IllegalArgumentException e) {
      throw new InteractionException(e.getMessage());
    }
    ConfChangeI c;
    if (v1) {
      if (ccs.size() > 1 || transition != ConfChangeTransition.ConfChangeTransitionAuto) {
        throw new InteractionException(
            "v1 conf change can only have one operation and no transition");
      }
      c =
          ConfChangeI.of(
              ConfChange.newBuilder()
                  .setType(ccs.get(0).getType())
                  .setNodeId(ccs.get(0).getNodeId())
                  .build());
    } else {
      c =
          ConfChangeI.of(
              ConfChangeV2.newBuilder().setTransition(transition).addAllChanges(ccs).build());
    }
    env.node(idx).rawNode().proposeConfChange(c);
  }

  /** Go's {@code strconv.ParseBool}, returning its error text. */
  private static boolean parseBool(String v) {
    switch (v) {
      case "1", "t", "T", "TRUE", "true", "True":
        return true;
      case "0", "f", "F", "FALSE", "false", "False":
        return false;
      default:
        throw new InteractionException("strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
    }
  }
}
