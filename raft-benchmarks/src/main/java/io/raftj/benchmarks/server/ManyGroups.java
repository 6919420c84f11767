package io.raftj.benchmarks.server;

import static io.raftj.benchmarks.server.ClosedLoop.say;

import io.raftj.server.GroupStatus;
import io.raftj.server.RaftServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Many groups on 3 servers in this JVM (one LocalNetwork, MemoryStorage): {@code groups} groups
 * with a member on every server are created and elect leaders; then the process CPU over {@code
 * idle} seconds with all of them idle; then the closed loop on one group, then on {@code busy}
 * groups at once (round robin, {@code inflight} per group), each warmed up and measured; then the
 * idle CPU again, and every busy group's members compared. Every group keeps its log in memory up
 * to {@code snapshotEntries} entries, then {@code catchUpEntries} behind the snapshot
 * (GroupOptions' defaults: 10,000 and 5,000), and each server's logs within {@code logMemoryBudget}
 * bytes (RaftServer's default, 64 MiB; 0 for none).
 *
 * <pre>java -cp raft-benchmarks/target/benchmarks.jar io.raftj.benchmarks.server.ManyGroups \
 *     groups=1000 idle=20 busy=100 warmup=5 measure=10</pre>
 */
public final class ManyGroups {

  private ManyGroups() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            "groups",
            "1000",
            "settle",
            "5",
            "idle",
            "20",
            "busy",
            "100",
            "inflight",
            "64",
            "payload",
            "256",
            "warmup",
            "5",
            "measure",
            "10",
            "snapshotEntries",
            "10000",
            "catchUpEntries",
            "5000",
            "logMemoryBudget",
            Long.toString(RaftServer.DEFAULT_LOG_MEMORY_BUDGET));
    say("ManyGroups %s", args);
    say("%s", Args.jvm());
    int groups = args.integer("groups");
    int busy = Math.min(groups, args.integer("busy"));
    int rc;
    long budget = Long.parseLong(args.string("logMemoryBudget"));
    try (LocalCluster cluster = new LocalCluster(3, null, b -> b.logMemoryBudget(budget))) {
      long t0 = System.nanoTime();
      cluster.createGroups(
          1,
          groups,
          o ->
              o.withSnapshots(
                  args.integer("snapshotEntries"),
                  o.snapshotBytes(),
                  args.integer("catchUpEntries")));
      cluster.awaitLeaders(1, groups, TimeUnit.SECONDS.toNanos(120));
      say(
          "%d groups x 3 members have leaders after %.0f ms; leaders per server: %s",
          groups, (System.nanoTime() - t0) / 1e6, leadersPerServer(cluster));
      idle(cluster, groups, args, "idle");

      double single = busy(cluster, 1, args, "1 group");
      double many = busy(cluster, busy, args, busy + " groups");
      say("aggregate %d groups / 1 group = %.2f", busy, many / single);

      idle(cluster, groups, args, "idle after load");
      int diverged = 0;
      for (long g = 1; g <= busy; g++) {
        if (!ThreeMembers.converged(ThreeMembers.converge(cluster, g, 3, 0, 30), 3, 0)) {
          diverged++;
        }
      }
      say(
          "RESULT\tdriver=ManyGroups\tgroups=%d\tbusy=%d\tsingleTput=%.1f\tbusyTput=%.1f\tratio=%.2f\tok=%s",
          groups, busy, single, many, many / single, diverged == 0);
      rc = diverged == 0 ? 0 : 1;
    }
    System.exit(rc);
  }

  private static void idle(LocalCluster cluster, int groups, Args args, String label)
      throws InterruptedException {
    Thread.sleep((long) (args.seconds("settle") * 1000));
    CpuMeter meter = new CpuMeter();
    meter.start();
    Thread.sleep((long) (args.seconds("idle") * 1000));
    CpuMeter.Usage u = meter.stop();
    say(
        "%s: %d groups, %d of %d members quiesced: process CPU %.2f%% of one core over %.1f s"
            + " (%.1f ms CPU); busiest threads: %s",
        label,
        groups,
        quiesced(cluster, groups),
        groups * 3,
        u.percentOfCore(),
        u.wallNanos() / 1e9,
        u.cpuNanos() / 1e6,
        u.describeTop());
  }

  /** The closed loop over groups 1..n, round robin; returns their commands/s in all. */
  private static double busy(LocalCluster cluster, int n, Args args, String label)
      throws InterruptedException {
    ClosedLoop loop = new ClosedLoop(cluster.proposer(1, n), args.integer("payload"));
    say("%s, %d in flight each:", label, args.integer("inflight"));
    CpuMeter meter = new CpuMeter();
    meter.start();
    double tput =
        loop.throughput(
            args.integer("inflight") * n, args.seconds("warmup"), args.seconds("measure"));
    CpuMeter.Usage u = meter.stop();
    say(
        "%s: %.1f commands/s, %d failed; process CPU %.0f%% of one core; GC %.1f s of %.1f s;"
            + " %.0f bytes allocated per command; busiest threads: %s",
        label,
        tput,
        loop.failed.sum(),
        u.percentOfCore(),
        u.gcMillis() / 1e3,
        u.wallNanos() / 1e9,
        (double) u.allocatedBytes() / Math.max(1, loop.acked.sum()),
        u.describeTop());
    StringBuilder logs = new StringBuilder();
    for (RaftServer s : cluster.servers()) {
      Map<String, Long> m = s.metrics();
      logs.append(logs.length() == 0 ? "" : "; ")
          .append(
              String.format(
                  "%.1f MB, %d early snapshots",
                  m.get("logMemoryBytes") / 1e6, m.get("earlySnapshots")));
    }
    say("%s: log memory per server (estimate) %s", label, logs);
    return tput;
  }

  private static String leadersPerServer(LocalCluster cluster) {
    StringBuilder sb = new StringBuilder();
    for (RaftServer s : cluster.servers()) {
      int n = 0;
      for (long g = 1; s.group(g) != null; g++) {
        GroupStatus st = s.group(g).status();
        n += st != null && st.isLeader() ? 1 : 0;
      }
      sb.append(sb.length() == 0 ? "" : " ").append(s.serverId()).append('=').append(n);
    }
    return sb.toString();
  }

  private static int quiesced(LocalCluster cluster, int groups) {
    int n = 0;
    for (RaftServer s : cluster.servers()) {
      for (long g = 1; g <= groups; g++) {
        GroupStatus st = s.group(g).status();
        n += st != null && st.quiesced() ? 1 : 0;
      }
    }
    return n;
  }
}
