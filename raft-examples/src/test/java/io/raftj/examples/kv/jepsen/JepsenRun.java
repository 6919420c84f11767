package io.raftj.examples.kv.jepsen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One Jepsen-style run against a real three-process cluster: clients write and read while the
 * nemesis plays its schedule, then every node is healed, each key is read once more, and the
 * history is checked. The event log is written to {@code root/history.txt}.
 */
final class JepsenRun {

  /**
   * What to run: {@code durationMs} of workload with {@code clients} workers over {@code keys}
   * keys; {@code serializableReads} makes the workload read local, possibly stale state (a fault of
   * the client, for seeing the checker fail).
   */
  record Options(
      long durationMs, int clients, int keys, long seed, Path root, boolean serializableReads) {}

  /** What a run found. */
  record Result(
      Options options,
      Schedule schedule,
      int faults,
      Counts counts,
      Verdict verdict,
      List<String> crashed,
      Path history) {
    boolean valid() {
      return verdict.valid() && crashed.isEmpty();
    }

    String summary() {
      StringBuilder sb = new StringBuilder();
      sb.append("seed ")
          .append(options.seed())
          .append(", ")
          .append(options.clients())
          .append(" clients, ")
          .append(options.keys())
          .append(" keys, ")
          .append(options.durationMs() / 1000.0)
          .append(" s, ")
          .append(faults)
          .append(" faults\n");
      sb.append(counts).append('\n');
      for (String c : crashed) {
        sb.append("CRASHED: ").append(c).append('\n');
      }
      for (String p : verdict.problems()) {
        sb.append("INVALID: ").append(p).append('\n');
      }
      sb.append(valid() ? "valid: every key linearizable, no acknowledged write lost" : "INVALID")
          .append(" (history: ")
          .append(history)
          .append(")\n");
      return sb.toString();
    }
  }

  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private final Options options;
  private final Consumer<String> out;

  JepsenRun(Options options, Consumer<String> out) {
    this.options = options;
    this.out = out;
  }

  Result run() throws IOException, InterruptedException {
    Random random = new Random(options.seed());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < options.keys(); i++) {
      keys.add("jepsen-" + i);
    }
    Schedule schedule = Schedule.draw(random, options.durationMs());
    out.accept("nemesis schedule (seed " + options.seed() + "):\n" + schedule);
    try (Cluster cluster = Cluster.create(options.root(), new Random(), ServerHelp.probe())) {
      cluster.startAll();
      out.accept(
          "cluster: leader is node "
              + cluster.awaitLeader(RECOVERY)
              + "; logs in "
              + options.root());
      Recorder recorder = new Recorder(keys);
      KvClient client = new KvClient(Duration.ofSeconds(3), options.serializableReads());
      KvClient finalClient = new KvClient(Duration.ofSeconds(3), false);
      long start = System.nanoTime();
      out.accept(
          "workload starts at "
              + java.time.LocalTime.now()
              + " (the logs' clock); times below count from it");
      Nemesis nemesis = new Nemesis(cluster, schedule, new Random(random.nextLong()), start, out);
      Thread nemesisThread = new Thread(nemesis, "nemesis");
      nemesisThread.start();
      List<Thread> workers = new ArrayList<>();
      long deadline = start + Duration.ofMillis(options.durationMs()).toNanos();
      for (int p = 0; p < options.clients(); p++) {
        Thread t =
            new Thread(
                new Worker(p, cluster, client, recorder, keys, random.nextLong(), deadline),
                "client-" + p);
        workers.add(t);
        t.start();
      }
      for (Thread t : workers) {
        t.join();
      }
      nemesis.stop();
      nemesisThread.join();
      List<String> crashed = new ArrayList<>();
      for (NodeProcess n : cluster.nodes) {
        if (n.crashed()) {
          crashed.add("node " + n.id + " exited by itself:\n" + n.logTail(20));
        }
        n.heal();
      }
      out.accept("healed: leader is node " + cluster.awaitLeader(RECOVERY));
      Map<String, Long> finalReads = finalReads(cluster, finalClient, recorder, keys);
      Path history = options.root().resolve("history.txt");
      List<String> lines = new ArrayList<>();
      for (Recorder.Event e : recorder.events()) {
        lines.add(e.toString());
      }
      Files.write(history, lines);
      Verdict verdict = Verdict.of(recorder.histories(), finalReads);
      return new Result(
          options,
          schedule,
          nemesis.faults(),
          Counts.of(recorder.events()),
          verdict,
          crashed,
          history);
    }
  }

  /** Reads every key once more through the healed cluster, retrying until a read succeeds. */
  private Map<String, Long> finalReads(
      Cluster cluster, KvClient client, Recorder recorder, List<String> keys)
      throws InterruptedException {
    Map<String, Long> ids = new TreeMap<>();
    int process = options.clients();
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    int next = 0;
    for (String key : keys) {
      while (System.nanoTime() < deadline) {
        NodeProcess n = cluster.nodes.get(next++ % cluster.nodes.size());
        long id = recorder.invoke(process, key, false);
        Outcome o = client.get(n.base(), key);
        recorder.complete(process, key, id, false, o);
        if (o.kind() == Outcome.Kind.OK) {
          ids.put(key, id);
          break;
        }
      }
    }
    return ids;
  }
}
