package io.raftj.raft.rafttest;

import io.raftj.raft.BasicStatus;
import io.raftj.raft.Status;
import io.raftj.raft.tracker.ProgressView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code raft-state} and {@code status} commands: every node's role, term and leader as it sees
 * them, and a leader's view of its peers' progress. Mirrors etcd's {@code
 * rafttest/interaction_env_handler_raftstate.go} and {@code interaction_env_handler_status.go}.
 *
 * <pre>
 * raft-state
 * status &lt;id&gt;
 * </pre>
 */
final class StatusCommands {

  private StatusCommands() {}

  /** One line per node: {@code <id>: <state> (Voter|Non-Voter) Term:<t> Lead:<l>}. */
  static void raftState(InteractionEnv env) {
    for (InteractionNode n : env.nodes) {
      Status st = n.rawNode().status();
      BasicStatus b = st.basic();
      String voterStatus = isVoter(b.id(), st) ? "(Voter)" : "(Non-Voter)";
      env.output.writef(
          "%d: %s %s Term:%d Lead:%d\n",
          b.id(),
          b.softState().raftState(),
          voterStatus,
          b.hardState().getTerm(),
          b.softState().lead());
    }
  }

  /** Whether {@code id} is a voter in either half of the node's configuration. */
  private static boolean isVoter(long id, Status st) {
    return st.config().isVoter(id);
  }

  /**
   * The progress map of the node (empty unless it leads): one line per peer in ascending ID order,
   * {@code <id>: <progress>}.
   */
  static void status(InteractionEnv env, int idx) {
    Status st = env.nodes.get(idx).rawNode().status();
    Map<Long, ProgressView> progress = st.progress();
    List<Long> ids = new ArrayList<>(progress.keySet());
    ids.sort(Long::compareUnsigned);
    for (Long id : ids) {
      env.output.writef("%d: %s\n", id, progress.get(id));
    }
  }
}
