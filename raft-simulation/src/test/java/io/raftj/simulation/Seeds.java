package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Seeded worlds run from a test. */
final class Seeds {

  private Seeds() {}

  /** Runs {@code count} worlds of {@code kind} from seed {@code from}; fails with every report. */
  static void assertAllPass(long from, long count, Simulator.Kind kind) {
    List<SimulationFailure> failures = Simulator.runMany(from, count, 2, 3, 0, kind, s -> {});
    StringBuilder report = new StringBuilder();
    for (SimulationFailure f : failures) {
      report.append(f.getMessage()).append("\n\n");
    }
    assertThat(failures).as(report.toString()).isEmpty();
  }

  /** The counts of the worlds of {@code kind} for seeds 1 to {@code seeds}, added up. */
  static World.Stats sum(int seeds, Simulator.Kind kind) {
    World.Stats sum = new World.Stats();
    for (long seed = 1; seed <= seeds; seed++) {
      World.Stats s = Simulator.run(seed, kind);
      sum.crashes += s.crashes;
      sum.midWriteCrashes += s.midWriteCrashes;
      sum.snapshots += s.snapshots;
      sum.confChanges += s.confChanges;
      sum.writesAcked += s.writesAcked;
      sum.readsServed += s.readsServed;
    }
    return sum;
  }
}
