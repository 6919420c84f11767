package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.wal.CrashFs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Servers crash (power failure: unsynced writes lost or torn, in {@link CrashFs}) at random points,
 * one or all at once, and restart from what survived. Every proposal acknowledged before a crash
 * must still be in the log, at the position its result named, and the members must agree.
 */
@Tag("slow") // multi-process or crash test: run by failsafe in mvn verify, not by mvn test
final class ServerCrashTest {

  private static final Path DATA = Path.of("/data");

  @Test
  void acknowledgedProposalsSurviveCrashesOfAnyServerOrAllOfThem() throws Exception {
    int acked = 0;
    int lost = 0;
    int midWrite = 0;
    for (long seed = 1; seed <= 16; seed++) {
      int[] r = run(seed);
      acked += r[0];
      lost += 160 - r[1];
      midWrite += r[2];
    }
    // The runs must exercise what they claim: acknowledged writes, unacknowledged ones that a
    // crash took, and crashes inside a write.
    assertThat(acked).isPositive();
    assertThat(lost).isPositive();
    assertThat(midWrite).isPositive();
  }

  /** Returns the proposals acknowledged, the final log length and the crashes inside a write. */
  private int[] run(long seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    GroupOptions options = GroupOptions.of(5, 1, 2, 3).withSnapshots(30, 0, 8);
    SimCluster c = new SimCluster(seed, DATA);
    Map<Long, CrashFs> disks = new HashMap<>();
    for (long id = 1; id <= 3; id++) {
      CrashFs fs = new CrashFs();
      disks.put(id, fs);
      c.fs.put(id, fs);
      c.start(id);
      c.create(id, options);
    }
    Map<Integer, ByteString> acked = new HashMap<>();
    int next = 0;
    int midWrite = 0;
    for (int round = 0; round < 4; round++) {
      c.network.heal();
      long leader = c.awaitLeader(5);
      // Messages take up to half a tick, so a crash finds some in flight.
      c.network.setDelay(0, SimCluster.TICK / 2);
      List<Long> victims = rnd.nextBoolean() ? List.of(1L, 2L, 3L) : List.of(1 + rnd.nextLong(3));
      if (victims.size() == 1 && rnd.nextBoolean()) {
        // This disk dies by itself inside one of its next writes (a save, an fsync, a rename).
        disks.get(victims.get(0)).crashAfter(rnd.nextInt(1, 40), seed * 1000 + round);
      }
      List<CompletableFuture<Applied>> fs = new ArrayList<>();
      List<ByteString> sent = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ByteString b = cmd("s" + seed + "-" + next++);
        sent.add(b);
        fs.add(c.servers.get(leader).group(5).propose(b));
      }
      int steps = rnd.nextInt(0, 80);
      for (int i = 0; i < steps; i++) {
        if (!c.scheduler.runNext()) {
          c.scheduler.advance(SimCluster.TICK / 20);
        }
      }
      for (int i = 0; i < fs.size(); i++) {
        CompletableFuture<Applied> f = fs.get(i);
        if (f.isDone() && !f.isCompletedExceptionally()) {
          acked.put((Integer) f.join().result(), sent.get(i));
        }
      }
      // The power goes out on every victim at once; then their servers are shut down.
      for (long id : victims) {
        CrashFs disk = disks.get(id);
        CrashFs survived;
        if (disk.isDead()) {
          midWrite++;
          survived = disk.crashedImage();
        } else {
          disk.crashAfter(-1, 0);
          survived = disk.crash(seed * 1000 + round * 10 + id);
        }
        disks.put(id, survived);
        c.fs.put(id, survived);
      }
      for (long id : victims) {
        c.network.isolate(id); // a dead machine sends nothing more
      }
      for (long id : victims) {
        RaftServer dead = c.servers.remove(id);
        CompletableFuture<Void> closed = dead.closeAsync(); // its disk refuses everything now
        c.runUntil(closed::isDone, 50);
      }
      for (long id : victims) {
        c.start(id);
        c.create(id, options);
      }
    }
    c.network.heal();
    long leader = c.awaitLeader(5);
    CompletableFuture<Object> all =
        c.servers.get(leader).group(5).read("all", ReadPolicy.LINEARIZABLE);
    c.await(List.of(all), 100);
    @SuppressWarnings("unchecked")
    List<ByteString> log = (List<ByteString>) all.join();
    for (Map.Entry<Integer, ByteString> a : acked.entrySet()) {
      assertThat(a.getKey())
          .as("seed %d: acknowledged %s lost", seed, a.getValue().toStringUtf8())
          .isLessThan(log.size());
      assertThat(log.get(a.getKey())).as("seed %d", seed).isEqualTo(a.getValue());
    }
    for (long id = 1; id <= 3; id++) {
      long member = id;
      assertThat(c.runUntil(() -> c.machine(member, 5).commands.size() == log.size(), 100))
          .as("seed %d: server %d catches up", seed, id)
          .isTrue();
      assertThat(c.machine(member, 5).commands).isEqualTo(log);
    }
    return new int[] {acked.size(), log.size(), midWrite};
  }
}
