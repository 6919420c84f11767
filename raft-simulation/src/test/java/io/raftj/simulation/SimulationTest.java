package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded worlds per build (the seed count and first seed come from {@code
 * -Draft.sim.seeds} and {@code -Draft.sim.from}), and the determinism that makes a failing seed
 * replay exactly.
 */
final class SimulationTest {

  private static final long SEEDS = Long.getLong("raft.sim.seeds", 2000);
  private static final long FROM = Long.getLong("raft.sim.from", 1);

  @Test
  void seededWorlds_allKeepEveryProperty() {
    Seeds.assertAllPass(FROM, SEEDS, Simulator.Kind.RAW_NODE);
  }

  @Test
  void world_sameSeed_replaysTheSameEvents() {
    for (long seed : new long[] {3, 17, 42}) {
      String first = traceOf(seed);
      assertThat(traceOf(seed)).as("seed %d", seed).isEqualTo(first);
      assertThat(first).contains("faults heal");
    }
  }

  @Test
  void world_differentSeeds_differ() {
    assertThat(traceOf(5)).isNotEqualTo(traceOf(6));
  }

  private static String traceOf(long seed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      World.Stats s = new World(seed, Scenario.of(seed), ps, true, World.RAW_NODE_MEMBERS).run();
      ps.println(Simulator.describe(s));
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
