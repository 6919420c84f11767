package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded worlds of real {@code RaftServer}s ({@link ServerMember}; the seed count and first seed
 * come from {@code -Draft.sim.serverSeeds} and {@code -Draft.sim.serverFrom}), the determinism that
 * makes a failing seed replay exactly, and proof that the checks see a broken server.
 */
final class ServerSimulationTest {

  private static final long SEEDS = Long.getLong("raft.sim.serverSeeds", 1000);
  private static final long FROM = Long.getLong("raft.sim.serverFrom", 1);
  private static final long MEMORY_SEEDS = Long.getLong("raft.sim.memorySeeds", 1000);

  @Test
  void seededServerWorlds_allKeepEveryProperty() {
    Seeds.assertAllPass(FROM, SEEDS, Simulator.Kind.SERVER);
  }

  @Test
  void seededMemoryServerWorlds_allKeepEveryProperty() {
    Seeds.assertAllPass(FROM, MEMORY_SEEDS, Simulator.Kind.SERVER_MEMORY);
  }

  @Test
  void memoryServerWorlds_exerciseWhatTheyClaim_withoutCrashes() {
    World.Stats sum = Seeds.sum(20, Simulator.Kind.SERVER_MEMORY);
    assertThat(sum.crashes + sum.midWriteCrashes)
        .as("a log on the heap does not survive a crash")
        .isZero();
    assertThat(sum.snapshots).isPositive();
    assertThat(sum.confChanges).isPositive();
    assertThat(sum.writesAcked).isPositive();
    assertThat(sum.readsServed).isPositive();
    String trace = traceOf(7, Simulator.Kind.SERVER_MEMORY);
    assertThat(traceOf(7, Simulator.Kind.SERVER_MEMORY)).isEqualTo(trace);
    assertThat(trace).contains("faults heal", "acknowledged by", " 0 crashes");
  }

  @Test
  void serverWorld_sameSeed_replaysTheSameEvents() {
    for (long seed : new long[] {4, 19}) {
      String first = traceOf(seed);
      assertThat(traceOf(seed)).as("seed %d", seed).isEqualTo(first);
      assertThat(first).contains("faults heal", "acknowledged by");
    }
    assertThat(traceOf(5)).isNotEqualTo(traceOf(6));
  }

  @Test
  void serverWorlds_exerciseWhatTheyClaim() {
    World.Stats sum = Seeds.sum(20, Simulator.Kind.SERVER);
    assertThat(sum.crashes).isPositive();
    assertThat(sum.midWriteCrashes).isPositive();
    assertThat(sum.snapshots).isPositive();
    assertThat(sum.confChanges).isPositive();
    assertThat(sum.writesAcked).isPositive();
    assertThat(sum.readsServed).isPositive();
  }

  /** A server whose reads answer from an older state than they saw. */
  private static final class StaleReads implements MemberListener {
    private final MemberListener d;

    StaleReads(MemberListener d) {
      this.d = d;
    }

    @Override
    public void persisted(
        long id,
        io.raftj.raft.raftpb.HardState hs,
        List<io.raftj.raft.raftpb.Entry> e,
        io.raftj.raft.raftpb.SnapshotMetadata s,
        boolean sync) {
      d.persisted(id, hs, e, s, sync);
    }

    @Override
    public void snapshotTaken(long id, long index, List<Long> w) {
      d.snapshotTaken(id, index, w);
    }

    @Override
    public void writesInSnapshot(
        long id, boolean r, long upTo, List<io.raftj.raft.raftpb.Entry> w) {
      d.writesInSnapshot(id, r, upTo, w);
    }

    @Override
    public void sent(long id, List<io.raftj.raft.raftpb.Message> m) {
      d.sent(id, m);
    }

    @Override
    public void applied(long id, long term, io.raftj.raft.raftpb.Entry e) {
      d.applied(id, term, e);
    }

    @Override
    public void restored(long id, io.raftj.raft.raftpb.SnapshotMetadata md, List<Long> w) {
      d.restored(id, md, w);
    }

    @Override
    public void writeAcked(long id, long op, long index) {
      d.writeAcked(id, op, index);
    }

    @Override
    public void readServed(long id, long op, long applied) {
      d.readServed(id, op, Math.max(0, applied - 2));
    }

    @Override
    public void crashed(long id, boolean mid, long first) {
      d.crashed(id, mid, first);
    }

    @Override
    public void restarted(
        long id, io.raftj.raft.raftpb.HardState hs, io.raftj.raft.MemoryStorage s) {
      d.restarted(id, hs, s);
    }
  }

  @Test
  void staleServerReads_areCaught_andReplayAlike() {
    int caught = 0;
    for (long seed = 1; seed <= 10; seed++) {
      long s = seed;
      MemberFactory servers = ServerMember.factory();
      MemberFactory broken =
          new MemberFactory() {
            @Override
            public Member create(
                long id, List<io.raftj.raft.Peer> boot, Scenario sc, MemberListener l, long rs) {
              return servers.create(id, boot, sc, new StaleReads(l), rs);
            }

            @Override
            public boolean appliesEveryEntry() {
              return false;
            }

            @Override
            public boolean rejoinsAfterRemoval() {
              return false;
            }
          };
      SimulationFailure f =
          catchThrowableOfType(
              SimulationFailure.class,
              () -> new World(s, Scenario.of(s), null, false, broken).run());
      if (f != null) {
        caught++;
        assertThat(f.property()).startsWith("linearizability");
        assertThat(f.getMessage()).contains("seed " + seed);
      }
    }
    assertThat(caught).isGreaterThanOrEqualTo(5);
  }

  private static String traceOf(long seed) {
    return traceOf(seed, Simulator.Kind.SERVER);
  }

  private static String traceOf(long seed, Simulator.Kind kind) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      World.Stats s = new World(seed, Scenario.of(seed), ps, true, kind.factory()).run();
      ps.println(Simulator.describe(s));
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
