package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A member whose reads answer from an older state than they saw: the world reports the seed, the
 * property and a trace, and the same seed fails the same way again.
 */
final class BrokenMemberTest {

  /** Answers every read as if the state machine stood two entries back. */
  private static final class StaleReads implements MemberListener {
    private final MemberListener d;

    StaleReads(MemberListener d) {
      this.d = d;
    }

    @Override
    public void persisted(long id, HardState hs, List<Entry> e, SnapshotMetadata s, boolean sync) {
      d.persisted(id, hs, e, s, sync);
    }

    @Override
    public void snapshotTaken(long id, long index, List<Long> w) {
      d.snapshotTaken(id, index, w);
    }

    @Override
    public void sent(long id, List<Message> m) {
      d.sent(id, m);
    }

    @Override
    public void applied(long id, long term, Entry e) {
      d.applied(id, term, e);
    }

    @Override
    public void restored(long id, SnapshotMetadata md, List<Long> w) {
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
    public void restarted(long id, HardState hs, MemoryStorage s) {
      d.restarted(id, hs, s);
    }
  }

  private static SimulationFailure runBroken(long seed) {
    MemberFactory broken =
        (id, boot, sc, l, rs) -> World.RAW_NODE_MEMBERS.create(id, boot, sc, new StaleReads(l), rs);
    return catchThrowableOfType(
        SimulationFailure.class,
        () -> new World(seed, Scenario.of(seed), null, false, broken).run());
  }

  @Test
  void staleReads_areCaught_withSeedAndTrace_andReplayAlike() {
    int caught = 0;
    for (long seed = 1; seed <= 20; seed++) {
      SimulationFailure f = runBroken(seed);
      if (f == null) {
        continue;
      }
      caught++;
      assertThat(f.property()).startsWith("linearizability");
      assertThat(f.getMessage()).contains("seed " + seed, "--seed " + seed, "last events:");
      assertThat(f.trace()).isNotEmpty();
      SimulationFailure again = runBroken(seed);
      assertThat(again.getMessage()).isEqualTo(f.getMessage());
    }
    assertThat(caught).isGreaterThanOrEqualTo(10);
  }
}
