package io.raftj.raft.rafttest;

import io.raftj.raft.SnapshotStatus;
import java.util.List;

/**
 * The commands that call one {@code RawNode} method: {@code campaign}, {@code tick-election},
 * {@code tick-heartbeat}, {@code set-randomized-election-timeout}, {@code transfer-leadership},
 * {@code report-unreachable}, and the extensions {@code tick} and {@code report-snapshot}. Mirrors
 * etcd's {@code rafttest/interaction_env_handler_campaign.go}, {@code _tick.go}, {@code
 * _set_randomized_election_timeout.go}, {@code _transfer_leadership.go} and {@code
 * _report_unreachable.go}.
 *
 * <pre>
 * campaign &lt;id&gt;
 * tick-election &lt;id&gt;                  (ElectionTick ticks, not the randomized timeout)
 * tick-heartbeat &lt;id&gt;                 (HeartbeatTick ticks)
 * set-randomized-election-timeout &lt;id&gt; timeout=&lt;int&gt;
 * transfer-leadership from=&lt;id&gt; to=&lt;id&gt;
 * report-unreachable &lt;id&gt; &lt;unreachable-id&gt;
 * tick &lt;id&gt; [&lt;n&gt;]                     (extension: n single ticks, default 1)
 * report-snapshot &lt;id&gt; &lt;peer-id&gt; [status=finish|failure]   (extension: ReportSnapshot)
 * </pre>
 */
final class NodeCommands {

  private NodeCommands() {}

  static void campaign(InteractionEnv env, TestData d) {
    env.campaign(env.firstNodeIdx(d));
  }

  static void tickElection(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    env.tick(idx, env.nodes.get(idx).config().electionTick());
  }

  static void tickHeartbeat(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    env.tick(idx, env.nodes.get(idx).config().heartbeatTick());
  }

  static void tick(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    List<CmdArg> args = d.cmdArgs();
    int num = args.size() > 1 ? InteractionEnv.parseInt(d, args.get(1).key()) : 1;
    env.tick(idx, num);
  }

  static void setRandomizedElectionTimeout(InteractionEnv env, TestData d) {
    int idx = env.firstNodeIdx(d);
    int timeout = d.scanInt("timeout");
    if (timeout == 0) {
      throw InteractionEnv.fatal(d, "timeout must not be zero");
    }
    if (env.options.setRandomizedElectionTimeout() == null) {
      throw new InteractionException("no SetRandomizedElectionTimeout hook configured");
    }
    env.options.setRandomizedElectionTimeout().accept(env.nodes.get(idx).rawNode(), timeout);
  }

  static void transferLeadership(InteractionEnv env, TestData d) {
    long from = d.scanUint64("from");
    long to = d.scanUint64("to");
    long n = env.nodes.size();
    if (from == 0 || Long.compareUnsigned(from, n) > 0) {
      throw InteractionEnv.fatal(d, "expected valid \"from\" argument");
    }
    if (to == 0 || Long.compareUnsigned(to, n) > 0) {
      throw InteractionEnv.fatal(d, "expected valid \"to\" argument");
    }
    env.transferLeadership(from, to);
  }

  static void reportUnreachable(InteractionEnv env, TestData d) {
    int[] idxs = env.nodeIdxsOf(d);
    if (idxs.length != 2) {
      throw new InteractionException(
          "must specify exactly two node indexes: node on which to report, and reported node");
    }
    env.nodes.get(idxs[0]).rawNode().reportUnreachable(env.nodes.get(idxs[1]).id());
  }

  static void reportSnapshot(InteractionEnv env, TestData d) {
    int[] idxs = env.nodeIdxsOf(d);
    if (idxs.length != 2) {
      throw new InteractionException(
          "must specify exactly two node indexes: node on which to report, and reported node");
    }
    CmdArg arg = d.argOrNull("status");
    String v = arg == null || arg.vals().isEmpty() ? "finish" : arg.vals().get(0);
    SnapshotStatus status =
        switch (v) {
          case "finish" -> SnapshotStatus.SNAPSHOT_FINISH;
          case "failure" -> SnapshotStatus.SNAPSHOT_FAILURE;
          default -> throw new InteractionException("unknown snapshot status " + v);
        };
    env.nodes.get(idxs[0]).rawNode().reportSnapshot(env.nodes.get(idxs[1]).id(), status);
  }
}
