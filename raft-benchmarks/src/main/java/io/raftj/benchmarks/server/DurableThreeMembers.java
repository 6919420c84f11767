package io.raftj.benchmarks.server;

import static io.raftj.benchmarks.server.ClosedLoop.say;

import io.raftj.server.RaftServer;
import io.raftj.wal.WalFs;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ThreeMembers} workload with every server on a data directory (DurableStorage: the WAL,
 * fsynced as Raft requires): commands/s with {@code inflight} outstanding, then how often the
 * servers fsync and how many entries each fsync carries, then p50/p99 with one outstanding. fsyncs
 * are counted at the file system ({@link CountingFs}); saves, appends and entries come from {@link
 * RaftServer#metrics()}. With {@code groups} above 1, that many groups share the servers, {@code
 * inflight} each, proposed round robin (each group has its own WAL, so its own fsyncs); {@code
 * storageThreads} sets each server's storage executors (the server's default is 1). The data lives
 * in a fresh directory under {@code dir}, deleted afterwards.
 *
 * <pre>
 * java -cp raft-benchmarks/target/benchmarks.jar io.raftj.benchmarks.server.DurableThreeMembers \
 *     dir=/var/tmp warmup=5 measure=10 latency=5 inflight=64</pre>
 */
public final class DurableThreeMembers {

  private DurableThreeMembers() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            "dir",
            System.getProperty("java.io.tmpdir"),
            "payload",
            "256",
            "inflight",
            "64",
            "groups",
            "1",
            "storageThreads",
            "1",
            "warmup",
            "5",
            "measure",
            "10",
            "latency",
            "5");
    say("DurableThreeMembers %s", args);
    say("%s", Args.jvm());
    Path base = Files.createTempDirectory(Path.of(args.string("dir")), "raftj-durable-");
    FileStore store = Files.getFileStore(base);
    say("data directory %s on %s (%s)", base, store.name(), store.type());
    CountingFs fs = new CountingFs();
    int rc;
    try (LocalCluster cluster =
        new LocalCluster(3, base, b -> b.fs(fs).storageThreads(args.integer("storageThreads")))) {
      int groups = args.integer("groups");
      cluster.createGroups(1, groups, o -> o);
      cluster.awaitLeaders(1, groups, TimeUnit.SECONDS.toNanos(60));
      ClosedLoop loop = new ClosedLoop(cluster.proposer(1, groups), args.integer("payload"));
      int inflight = args.integer("inflight") * groups;
      loop.throughput(inflight, 0, args.seconds("warmup"));

      long[] before = counters(cluster, fs);
      long t0 = System.nanoTime();
      double tput = loop.throughput(inflight, 0, args.seconds("measure"));
      double seconds = (System.nanoTime() - t0) / 1e9;
      long[] d = counters(cluster, fs);
      for (int i = 0; i < d.length; i++) {
        d[i] -= before[i];
      }
      // d: saves, appends, entries, file fsyncs, directory fsyncs, bytes written (3 servers)
      double fsyncsPerSec = d[3] / seconds;
      double entriesPerFsync = d[3] == 0 ? 0 : (double) d[2] / d[3];
      say(
          "%d in flight: %.1f commands/s; 3 servers together: %.0f fsyncs/s (%.0f per server),"
              + " %.1f entries per fsync, %.0f saves/s, %.1f entries and %.2f appends per save,"
              + " %d directory fsyncs, %.1f MB/s written",
          inflight,
          tput,
          fsyncsPerSec,
          fsyncsPerSec / 3,
          entriesPerFsync,
          d[0] / seconds,
          d[0] == 0 ? 0 : (double) d[2] / d[0],
          d[0] == 0 ? 0 : (double) d[1] / d[0],
          d[4],
          d[5] / seconds / 1e6);

      long[] lat = loop.latency(args.seconds("latency"));
      long p50 = ClosedLoop.percentile(lat, 0.50);
      long p99 = ClosedLoop.percentile(lat, 0.99);
      say(
          "latency: n=%d p50=%dus p99=%dus max=%dus",
          lat.length, p50 / 1000, p99 / 1000, lat.length == 0 ? 0 : lat[lat.length - 1] / 1000);
      boolean ok = loop.failed.sum() == 0;
      for (long g = 1; g <= groups; g++) {
        long atLeast = groups == 1 ? loop.acked.sum() : 0; // acked is counted over all groups
        ok &= ThreeMembers.converged(ThreeMembers.converge(cluster, g, 3, atLeast, 60), 3, atLeast);
      }
      say(
          "RESULT\tdriver=DurableThreeMembers\tgroups=%d\ttput=%.1f\tfsyncsPerSec=%.1f\tentriesPerFsync=%.1f"
              + "\tp50us=%.1f\tp99us=%.1f\tfailed=%d\tok=%s",
          groups,
          tput,
          fsyncsPerSec,
          entriesPerFsync,
          p50 / 1000.0,
          p99 / 1000.0,
          loop.failed.sum(),
          ok);
      rc = ok ? 0 : 1;
    } finally {
      WalFs.nio().deleteRecursively(base);
    }
    System.exit(rc);
  }

  /** Saves, appends, entries (from the servers' metrics), file fsyncs, directory fsyncs, bytes. */
  private static long[] counters(LocalCluster cluster, CountingFs fs) {
    long[] c = new long[6];
    for (RaftServer s : cluster.servers()) {
      c[0] += s.metrics().get("saves");
      c[1] += s.metrics().get("appends");
      c[2] += s.metrics().get("entries");
    }
    c[3] = fs.fileSyncs.sum();
    c[4] = fs.dirSyncs.sum();
    c[5] = fs.bytesWritten.sum();
    return c;
  }
}
