package io.raftj.simulation;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs many seeded worlds, replays one, or shrinks a failing one. The command line of {@code
 * bin/raft-sim}:
 *
 * <pre>
 *   raft-sim [--seeds N] [--from S] [--threads T]   run seeds S..S+N-1, report seeds per second
 *   raft-sim --seed S [--trace] [--messages]         replay one seed (printing every event)
 *   raft-sim --seed S --shrink                       the fewest fault kinds that still fail it
 *   --lease-drift D                                  make every world a lease-read one whose clocks
 *                                                    jump up to D ticks at once
 *   --first-failure                                  stop at the first failing seed (the smallest)
 *   --world server                                   members are RaftServers ({@link ServerMember})
 *                                                    instead of RawNodes ({@link RawNodeMember})
 *   --world server-memory                            RaftServers without a data directory (the
 *                                                    synchronous Ready cycle; no crashes)
 * </pre>
 */
public final class Simulator {

  private Simulator() {}

  /** Runs one seed's world; throws {@link SimulationFailure} if it fails. */
  public static World.Stats run(long seed) {
    return new World(seed, Scenario.of(seed)).run();
  }

  /** Which members a world is made of. */
  public enum Kind {
    /** {@link RawNodeMember}s: RawNode and DurableStorage with a synchronous Ready loop. */
    RAW_NODE("rawnode"),
    /** {@link ServerMember}s: a RaftServer each, asynchronous storage writes. */
    SERVER("server"),
    /**
     * {@link ServerMember}s without a data directory: the log on the heap and the synchronous Ready
     * cycle; no crashes.
     */
    SERVER_MEMORY("server-memory");

    /** The name {@code --world} takes. */
    final String flag;

    Kind(String flag) {
      this.flag = flag;
    }

    /** A factory for one world (server members share state within their world). */
    public MemberFactory factory() {
      switch (this) {
        case SERVER:
          return ServerMember.factory();
        case SERVER_MEMORY:
          return ServerMember.memoryFactory();
        default:
          return World.RAW_NODE_MEMBERS;
      }
    }

    /** The kind {@code --world name} names, or null. */
    static Kind ofFlag(String name) {
      for (Kind k : values()) {
        if (k.flag.equals(name)) {
          return k;
        }
      }
      return null;
    }
  }

  /** Runs one seed's world of {@code kind}; throws {@link SimulationFailure} if it fails. */
  public static World.Stats run(long seed, Kind kind) {
    return new World(seed, Scenario.of(seed), null, false, kind.factory()).run();
  }

  /**
   * The scenario a seed runs: {@link Scenario#of}, or with {@code leaseDrift} > 0 a lease-read
   * world.
   */
  static Scenario scenario(long seed, int leaseDrift) {
    Scenario sc = Scenario.of(seed);
    return leaseDrift > 0 ? sc.withLeaseReads(leaseDrift) : sc;
  }

  /**
   * Runs seeds {@code from .. from+count-1} on {@code threads} threads and returns the failures (at
   * most {@code maxFailures}; the rest of the seeds are skipped once that many failed).
   */
  public static List<SimulationFailure> runMany(
      long from, long count, int threads, int maxFailures) {
    return runMany(from, count, threads, maxFailures, 0);
  }

  /**
   * As {@link #runMany(long, long, int, int)}, every world a lease-read one if {@code leaseDrift} >
   * 0.
   */
  public static List<SimulationFailure> runMany(
      long from, long count, int threads, int maxFailures, int leaseDrift) {
    return runMany(from, count, threads, maxFailures, leaseDrift, s -> {});
  }

  /** As above, handing each passing world's counts to {@code passed} (called from many threads). */
  public static List<SimulationFailure> runMany(
      long from,
      long count,
      int threads,
      int maxFailures,
      int leaseDrift,
      java.util.function.Consumer<World.Stats> passed) {
    return runMany(from, count, threads, maxFailures, leaseDrift, Kind.RAW_NODE, passed);
  }

  /** As above, with worlds of {@code kind}. */
  public static List<SimulationFailure> runMany(
      long from,
      long count,
      int threads,
      int maxFailures,
      int leaseDrift,
      Kind kind,
      java.util.function.Consumer<World.Stats> passed) {
    List<SimulationFailure> failures = new ArrayList<>();
    AtomicLong next = new AtomicLong(from);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "raft-sim");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  while (true) {
                    // Check before taking a seed: every seed taken runs, so once seed s fails every
                    // seed
                    // below s still completes and the smallest failure reported is the first
                    // overall.
                    synchronized (failures) {
                      if (failures.size() >= maxFailures) {
                        return;
                      }
                    }
                    long s = next.getAndIncrement();
                    if (s >= from + count) {
                      return;
                    }
                    try {
                      passed.accept(
                          new World(s, scenario(s, leaseDrift), null, false, kind.factory()).run());
                    } catch (SimulationFailure f) {
                      synchronized (failures) {
                        failures.add(f);
                      }
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
    failures.sort((a, b) -> Long.compare(a.seed(), b.seed()));
    return failures;
  }

  /**
   * Replays a failing seed with one fault kind after another switched off, keeping each removal
   * under which it still fails (each kind draws from its own random source, so the others play out
   * alike), and cuts the faulty phase at the failing step. Returns the smallest failure found, or
   * null if the seed passes.
   */
  public static SimulationFailure shrink(long seed) {
    return shrink(seed, Kind.RAW_NODE);
  }

  /** As {@link #shrink(long)}, for a world of {@code kind}. */
  public static SimulationFailure shrink(long seed, Kind kind) {
    Scenario sc = Scenario.of(seed);
    SimulationFailure best = attempt(seed, sc, kind);
    if (best == null) {
      return null;
    }
    for (Fault f : Fault.values()) {
      if (!sc.has(f)) {
        continue;
      }
      Set<Fault> fewer = EnumSet.noneOf(Fault.class);
      fewer.addAll(sc.faults());
      fewer.remove(f);
      SimulationFailure again = attempt(seed, sc.withFaults(fewer), kind);
      if (again != null) {
        sc = sc.withFaults(fewer);
        best = again;
      }
    }
    if (best.step() < sc.chaosSteps()) {
      SimulationFailure again = attempt(seed, sc.withChaosSteps((int) best.step()), kind);
      if (again != null) {
        best = again;
      }
    }
    return best;
  }

  private static SimulationFailure attempt(long seed, Scenario sc, Kind kind) {
    try {
      new World(seed, sc, null, false, kind.factory()).run();
      return null;
    } catch (SimulationFailure f) {
      return f;
    }
  }

  public static void main(String[] args) {
    long from = 1;
    long count = 1000;
    long seed = -1;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    boolean trace = false;
    boolean messages = false;
    boolean shrink = false;
    int leaseDrift = 0;
    int maxFailures = 10;
    Kind kind = Kind.RAW_NODE;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seeds":
          count = Long.parseLong(args[++i]);
          break;
        case "--from":
          from = Long.parseLong(args[++i]);
          break;
        case "--threads":
          threads = Integer.parseInt(args[++i]);
          break;
        case "--seed":
          seed = Long.parseLong(args[++i]);
          break;
        case "--trace":
          trace = true;
          break;
        case "--messages":
          trace = true;
          messages = true;
          break;
        case "--shrink":
          shrink = true;
          break;
        case "--lease-drift":
          leaseDrift = Integer.parseInt(args[++i]);
          break;
        case "--first-failure":
          maxFailures = 1;
          break;
        case "--world":
          kind = Kind.ofFlag(args[++i]);
          if (kind == null) {
            System.err.println(
                "raft-sim: unknown world \"" + args[i] + "\": rawnode, server or server-memory");
            System.exit(2);
          }
          break;
        default:
          System.err.println(
              "usage: raft-sim [--seeds N] [--from S] [--threads T] | --seed S [--trace] [--messages] [--shrink]"
                  + " [--lease-drift D] [--first-failure] [--world rawnode|server|server-memory]");
          System.exit(2);
      }
    }
    PrintStream out = System.out;
    if (seed >= 0) {
      if (shrink) {
        SimulationFailure f = shrink(seed, kind);
        out.println(f == null ? "seed " + seed + " passes" : f.getMessage());
        System.exit(f == null ? 0 : 1);
      }
      Scenario sc = scenario(seed, leaseDrift);
      try {
        World.Stats s = new World(seed, sc, trace ? out : null, messages, kind.factory()).run();
        out.println("seed " + seed + " passed: " + describe(s));
        System.exit(0);
      } catch (SimulationFailure f) {
        out.println(f.getMessage());
        if (f.getCause() != null && "crash".equals(f.property())) {
          f.getCause().printStackTrace(out);
        }
        System.exit(1);
      }
    }
    long t0 = System.nanoTime();
    Totals totals = new Totals();
    List<SimulationFailure> failures =
        runMany(from, count, threads, maxFailures, leaseDrift, kind, totals::add);
    double secs = (System.nanoTime() - t0) / 1e9;
    for (SimulationFailure f : failures) {
      out.println(f.getMessage());
      out.println();
    }
    long ran = failures.isEmpty() || maxFailures > 1 ? count : failures.get(0).seed() - from + 1;
    out.println(
        String.format(
            Locale.ROOT,
            "%s worlds: %d seeds from %d on %d threads in %.1f s: %.1f seeds/s, %d failed%s",
            kind.flag,
            ran,
            from,
            threads,
            secs,
            ran / secs,
            failures.size(),
            failures.isEmpty() ? "" : " (first seeds: " + seedsOf(failures) + ")"));
    out.println(totals);
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  /** What the passing worlds of a run did, in sum. */
  private static final class Totals {
    private final World.Stats sum = new World.Stats();
    private int worlds;
    private int maxHeal;

    synchronized void add(World.Stats s) {
      worlds++;
      maxHeal = Math.max(maxHeal, s.healSteps);
      sum.steps += s.steps;
      sum.crashes += s.crashes;
      sum.midWriteCrashes += s.midWriteCrashes;
      sum.restarts += s.restarts;
      sum.partitions += s.partitions;
      sum.clockJumps += s.clockJumps;
      sum.confChanges += s.confChanges;
      sum.transfers += s.transfers;
      sum.snapshots += s.snapshots;
      sum.writesAcked += s.writesAcked;
      sum.readsServed += s.readsServed;
      sum.dropped += s.dropped;
      sum.duplicated += s.duplicated;
    }

    @Override
    public synchronized String toString() {
      return String.format(
          Locale.ROOT,
          "%d passing worlds in all: %s; slowest recovery after healing: %d steps",
          worlds,
          describe(sum).replaceFirst(" \\(served again [0-9]+ steps after healing\\)", ""),
          maxHeal);
    }
  }

  private static String seedsOf(List<SimulationFailure> fs) {
    StringBuilder sb = new StringBuilder();
    for (SimulationFailure f : fs) {
      sb.append(sb.length() == 0 ? "" : " ").append(f.seed());
    }
    return sb.toString();
  }

  static String describe(World.Stats s) {
    return String.format(
        Locale.ROOT,
        "%d steps (served again %d steps after healing), %d crashes (%d inside a write), %d restarts, %d partitions, "
            + "%d clock jumps, %d membership changes, %d leader transfers, %d snapshots, %d writes and %d reads "
            + "answered, %d messages lost, %d duplicated",
        s.steps,
        s.healSteps,
        s.crashes + s.midWriteCrashes,
        s.midWriteCrashes,
        s.restarts,
        s.partitions,
        s.clockJumps,
        s.confChanges,
        s.transfers,
        s.snapshots,
        s.writesAcked,
        s.readsServed,
        s.dropped,
        s.duplicated);
  }
}
