package io.raftj.benchmarks.server;

import static io.raftj.benchmarks.server.ClosedLoop.say;

import io.raftj.server.RaftGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peers-bench workload on raft-server: {@code nodes} servers in this JVM on one LocalNetwork,
 * one group with a member on each, MemoryStorage, commands proposed through the leader's {@link
 * RaftGroup} and counted when applied there. Throughput with {@code inflight} outstanding, then
 * p50/p99 with one outstanding, then every member's (count, checksum) compared. Prints
 * peers-bench's tab-separated {@code RESULT} line with {@code lib=raftj-server}. {@code
 * applyOnLoopThread=true} runs the state machine on the loop thread ({@code
 * GroupOptions.withApplyOnLoopThread}) instead of the apply executor.
 *
 * <pre>java -cp raft-benchmarks/target/benchmarks.jar io.raftj.benchmarks.server.ThreeMembers \
 *     warmup=5 measure=10 latency=5 payload=256 inflight=64</pre>
 */
public final class ThreeMembers {

  static final String LIB = "raftj-server";
  static final long GROUP = 1;

  private ThreeMembers() {}

  public static void main(String[] argv) {
    int rc;
    try {
      Args args =
          Args.parse(
              argv,
              "nodes",
              "3",
              "payload",
              "256",
              "inflight",
              "64",
              "warmup",
              "5",
              "measure",
              "10",
              "latency",
              "5",
              "verifyTimeout",
              "60",
              "applyOnLoopThread",
              "false",
              "loopThreads",
              "0",
              "applyThreads",
              "0",
              "spinNanos",
              "0");
      rc = run(args);
    } catch (Throwable t) {
      System.out.println("FATAL " + t);
      t.printStackTrace(System.out);
      rc = 2;
    }
    System.out.flush();
    System.exit(rc);
  }

  /** One line on how the group is wired, as peers-bench prints it. */
  static String setup(int nodes, boolean applyOnLoopThread) {
    return "raftj 0.1.0-SNAPSHOT raft-server; "
        + nodes
        + " RaftServers (default threads) on one"
        + " LocalNetwork (MessageBatch objects handed over, no serialisation); MemoryStorage (no"
        + " dataDir, no fsync); GroupOptions defaults (tick 100 ms, election 10, heartbeat 1,"
        + " maxSizePerMsg 1 MiB, maxInflightMsgs 512, snapshot every 10000 entries keeping 5000)"
        + (applyOnLoopThread ? " with applyOnLoopThread" : ", state machine on the apply executor")
        + "; RaftGroup.propose per command";
  }

  static int run(Args args) throws Exception {
    int nodes = args.integer("nodes");
    int payload = args.integer("payload");
    int inflight = args.integer("inflight");
    say(
        "lib=%s nodes=%d payload=%dB inflight=%d warmup=%.0fs measure=%.0fs latency=%.0fs",
        LIB,
        nodes,
        payload,
        inflight,
        args.seconds("warmup"),
        args.seconds("measure"),
        args.seconds("latency"));
    boolean onLoop = Boolean.parseBoolean(args.string("applyOnLoopThread"));
    say("setup: %s", setup(nodes, onLoop));
    say("%s", Args.jvm());
    long t0 = System.nanoTime();
    int loops = args.integer("loopThreads");
    int applies = args.integer("applyThreads");
    long spin = args.integer("spinNanos");
    try (LocalCluster cluster =
        new LocalCluster(
            nodes,
            null,
            b -> {
              // 0 keeps the server's default (the number of cores).
              if (loops > 0) {
                b.loopThreads(loops);
              }
              if (applies > 0) {
                b.applyThreads(applies);
              }
              return b.spinNanos(spin);
            })) {
      cluster.createGroups(GROUP, 1, o -> o.withApplyOnLoopThread(onLoop));
      cluster.awaitLeaders(GROUP, 1, TimeUnit.SECONDS.toNanos(30));
      double startMs = (System.nanoTime() - t0) / 1e6;
      return measure(cluster, args, nodes, inflight, startMs, setup(nodes, onLoop));
    }
  }

  private static int measure(
      LocalCluster cluster, Args args, int nodes, int inflight, double startMs, String setup)
      throws Exception {
    String leader0 = leaderId(cluster);
    int members = memberCount(cluster);
    say("started in %.0f ms: leader=%s members=%d", startMs, leader0, members);
    ClosedLoop loop = new ClosedLoop(cluster.proposer(GROUP, 1), args.integer("payload"));
    double tput = loop.throughput(inflight, args.seconds("warmup"), args.seconds("measure"));
    long[] lat = loop.latency(args.seconds("latency"));
    long p50 = ClosedLoop.percentile(lat, 0.50);
    long p99 = ClosedLoop.percentile(lat, 0.99);
    say(
        "latency: n=%d p50=%dus p99=%dus max=%dus",
        lat.length, p50 / 1000, p99 / 1000, lat.length == 0 ? 0 : lat[lat.length - 1] / 1000);

    long ackedTotal = loop.acked.sum();
    List<Counter.State> states =
        converge(cluster, GROUP, nodes, ackedTotal, args.seconds("verifyTimeout"));
    boolean converged = converged(states, nodes, ackedTotal);
    String leader1 = leaderId(cluster);
    int members1 = memberCount(cluster);
    StringBuilder applied = new StringBuilder();
    for (int i = 0; i < states.size(); i++) {
      say(
          "state machine %d: count=%d checksum=%016x",
          i + 1, states.get(i).count(), states.get(i).checksum());
      applied.append(i == 0 ? "" : ",").append(states.get(i).count());
    }
    List<String> problems = new ArrayList<>();
    if (leader0 == null) {
      problems.add("no leader after start");
    }
    if (members != nodes) {
      problems.add("members=" + members + " expected " + nodes);
    }
    if (!converged) {
      problems.add("state machines did not converge to >= " + ackedTotal + " applied");
    }
    if (members1 != nodes) {
      problems.add("members at end=" + members1);
    }
    if (loop.failed.sum() > 0) {
      problems.add(loop.failed.sum() + " commands failed");
    }
    boolean ok = problems.isEmpty();
    say(
        "RESULT\tlib=%s\ttput=%.1f\tp50us=%.1f\tp99us=%.1f\tlatN=%d\tacked=%d\tfailed=%d\tapplied=%s"
            + "\tmembers=%d\tleader=%s\tleaderEnd=%s\tstartMs=%.0f\tok=%s\tproblems=%s\tsetup=%s",
        LIB,
        tput,
        p50 / 1000.0,
        p99 / 1000.0,
        lat.length,
        ackedTotal,
        loop.failed.sum(),
        applied,
        members,
        leader0,
        leader1,
        startMs,
        ok,
        ok ? "-" : String.join("; ", problems),
        setup);
    return ok ? 0 : 1;
  }

  /**
   * Polls the group's members until they agree on at least {@code atLeast} commands, or the
   * timeout.
   */
  static List<Counter.State> converge(
      LocalCluster cluster, long group, int nodes, long atLeast, double timeoutS)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (timeoutS * 1e9);
    List<Counter.State> states = cluster.states(group);
    while (!converged(states, nodes, atLeast) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      states = cluster.states(group);
    }
    return states;
  }

  static boolean converged(List<Counter.State> states, int nodes, long atLeast) {
    if (states.size() != nodes) {
      return false;
    }
    for (Counter.State s : states) {
      if (s.count() < atLeast || !s.equals(states.get(0))) {
        return false;
      }
    }
    return true;
  }

  private static String leaderId(LocalCluster cluster) {
    RaftGroup l = cluster.leader(GROUP);
    return l == null ? null : Long.toString(l.serverId());
  }

  private static int memberCount(LocalCluster cluster) {
    RaftGroup l = cluster.leader(GROUP);
    return l == null ? 0 : l.status().voters().size();
  }
}
