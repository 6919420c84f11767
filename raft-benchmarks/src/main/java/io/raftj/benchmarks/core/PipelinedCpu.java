package io.raftj.benchmarks.core;

import io.raftj.benchmarks.server.CpuMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link ClusterBenchmark#proposePipelined} (three RawNodes in one thread) and {@link
 * NodeClusterBenchmark}'s variants side by side, interleaved in rounds, with the CPU each spends
 * per proposal: the process's CPU time (JIT and GC threads included) and the busiest threads. On a
 * loaded machine a multi-threaded cluster loses wall time to every hand-off that waits for a core;
 * CPU per proposal shows what the code itself costs.
 *
 * <p>{@code java -cp benchmarks.jar io.raftj.benchmarks.core.PipelinedCpu [seconds=2] [rounds=5]
 * [warmup=6] [variants=rawnode,caller/inline,rawnode/host,caller/shared,thread/member]}: prints one
 * line per variant and round, then each variant's median. A Node variant ending in {@code /window}
 * (e.g. {@code caller/shared/window}) runs {@link NodeClusterBenchmark#proposeWindowed}: the same
 * number in flight, kept full instead of refilled once all are applied. {@code rawnode/host} is
 * {@link HostedClusterBenchmark}: the RawNode cluster on a host thread fed by the benchmark thread,
 * the thread shape of {@code caller/shared}; {@code caller/inline} is the Node cluster on the
 * benchmark thread alone, the shape of {@code rawnode}.
 */
public final class PipelinedCpu {

  private PipelinedCpu() {}

  /** A step of a variant's life that may throw. */
  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  /**
   * One variant: {@code setup}, then {@code run} once per round of {@value
   * ClusterBenchmark#IN_FLIGHT} pipelined proposals (waiting as the variant does), then {@code
   * tearDown}.
   */
  private record Variant(String name, Step setup, Runnable run, Step tearDown) {}

  private static Variant rawNode() {
    ClusterBenchmark b = new ClusterBenchmark();
    b.payloadBytes = 256;
    return new Variant("rawnode", b::setup, b::proposePipelined, () -> {});
  }

  private static Variant hostedRawNode() {
    HostedClusterBenchmark b = new HostedClusterBenchmark();
    b.payloadBytes = 256;
    return new Variant("rawnode/host", b::setup, b::proposePipelined, b::tearDown);
  }

  private static Variant node(String loop, String hosts, boolean windowed) {
    NodeClusterBenchmark b = new NodeClusterBenchmark();
    b.payloadBytes = 256;
    b.loop = loop;
    b.hosts = hosts;
    return new Variant(
        loop + "/" + hosts + (windowed ? "/window" : ""),
        b::setup,
        windowed ? b::proposeWindowed : b::proposePipelined,
        b::tearDown);
  }

  private static Variant variant(String name) {
    if (name.equals("rawnode")) {
      return rawNode();
    }
    if (name.equals("rawnode/host")) {
      return hostedRawNode();
    }
    String[] p = name.split("/");
    return node(p[0], p[1], p.length > 2 && p[2].equals("window"));
  }

  /** Result of one round of one variant. */
  private record Round(String name, double opsPerSec, double cpuMicrosPerOp, String top) {}

  private static Round measure(Variant v, double seconds, boolean report) throws Exception {
    v.setup().run();
    try {
      CpuMeter meter = new CpuMeter();
      meter.start();
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long ops = 0;
      while (System.nanoTime() < end) {
        v.run().run();
        ops += ClusterBenchmark.IN_FLIGHT;
      }
      CpuMeter.Usage u = meter.stop();
      double perOp = u.cpuNanos() / 1e3 / ops;
      StringBuilder top = new StringBuilder();
      for (CpuMeter.ThreadUse t : u.top()) {
        if (t.cpuNanos() * 50 < u.cpuNanos()) {
          break; // under 2% of the total
        }
        top.append(top.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%s %.2f", t.name(), t.cpuNanos() / 1e3 / ops));
      }
      Round r = new Round(v.name(), ops / (u.wallNanos() / 1e9), perOp, top.toString());
      if (report) {
        System.out.printf(
            Locale.ROOT,
            "%-14s %,10.0f ops/s  cpu %6.2f us/op  (%s)%n",
            r.name,
            r.opsPerSec,
            r.cpuMicrosPerOp,
            r.top);
      }
      return r;
    } finally {
      v.tearDown().run();
    }
  }

  public static void main(String[] args) throws Exception {
    double seconds = 2;
    int rounds = 5;
    double warmup = 6;
    String variants = "rawnode,caller/inline,rawnode/host,caller/shared,thread/member";
    for (String a : args) {
      String[] kv = a.split("=", 2);
      switch (kv[0]) {
        case "seconds" -> seconds = Double.parseDouble(kv[1]);
        case "rounds" -> rounds = Integer.parseInt(kv[1]);
        case "warmup" -> warmup = Double.parseDouble(kv[1]);
        case "variants" -> variants = kv[1];
        default -> throw new IllegalArgumentException("unknown argument: " + a);
      }
    }
    List<String> names = List.of(variants.split(","));
    for (String n : names) {
      measure(variant(n), warmup, false);
    }
    List<List<Round>> all = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      all.add(new ArrayList<>());
    }
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < names.size(); i++) {
        all.get(i).add(measure(variant(names.get(i)), seconds, true));
      }
    }
    System.out.println("medians:");
    double base = 0;
    double baseCpu = 0;
    for (int i = 0; i < names.size(); i++) {
      double ops = median(all.get(i), true);
      double cpu = median(all.get(i), false);
      if (i == 0) {
        base = ops;
        baseCpu = cpu;
      }
      System.out.printf(
          Locale.ROOT,
          "%-14s %,10.0f ops/s (%.2fx of %s)  cpu %6.2f us/op (%.2fx)%n",
          names.get(i),
          ops,
          base / ops,
          names.get(0),
          cpu,
          cpu / baseCpu);
    }
  }

  private static double median(List<Round> rs, boolean ops) {
    double[] v = new double[rs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ops ? rs.get(i).opsPerSec : rs.get(i).cpuMicrosPerOp;
    }
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }
}
