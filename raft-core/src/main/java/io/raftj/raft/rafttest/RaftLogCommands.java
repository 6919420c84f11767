package io.raftj.raft.rafttest;

import io.raftj.raft.RaftConstants;
import io.raftj.raft.internal.Describe;
import io.raftj.raft.raftpb.Entry;
import java.util.List;

/**
 * The {@code raft-log} and {@code compact} commands: print the log held in a node's storage, and
 * compact it first. Mirrors etcd's {@code rafttest/interaction_env_handler_raft_log.go} and {@code
 * interaction_env_handler_compact.go}.
 *
 * <pre>
 * raft-log &lt;id&gt;
 * compact &lt;id&gt; &lt;new-first-index&gt;
 * </pre>
 */
final class RaftLogCommands {

  private RaftLogCommands() {}

  static void handleCompact(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    String arg = d.cmdArgs().get(1).key();
    long newFirstIndex;
    try {
      newFirstIndex = Long.parseUnsignedLong(arg);
    } catch (NumberFormatException e) {
      throw new InteractionException("strconv.ParseUint: parsing \"" + arg + "\": invalid syntax");
    }
    compact(env, idx, newFirstIndex);
  }

  /** Compacts the node's storage up to {@code newFirstIndex}, then prints its log. */
  static void compact(InteractionEnv env, int idx, long newFirstIndex) {
    env.nodes.get(idx).storage().compact(newFirstIndex);
    raftLog(env, idx);
  }

  /** Prints the entries in the node's storage (not raft's unstable entries), one per line. */
  static void raftLog(InteractionEnv env, int idx) {
    InteractionNode n = env.nodes.get(idx);
    long fi = n.storage().firstIndex();
    long li = n.storage().lastIndex();
    if (li < fi) {
      env.output.writef("log is empty: first index=%d, last index=%d", fi, li);
      return;
    }
    List<Entry> ents = n.storage().entries(fi, li + 1, RaftConstants.NO_LIMIT);
    env.output.write(Describe.describeEntries(ents, InteractionEnv.ENTRY_FORMATTER));
  }
}
