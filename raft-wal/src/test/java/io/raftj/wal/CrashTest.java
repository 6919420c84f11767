package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Random workloads of save, cut, saveSnapshot, releaseLockTo and purge over {@link CrashFs},
 * crashed at a random file-system call, then recovered the way a Raft host would
 * (validSnapshotEntries, open at the newest, readAll, one repair on a torn tail). Checks that
 * everything a returned save had synced is there, and that the log is exactly what some prefix of
 * the written records makes it: nothing half-applied, nothing invented. What a save must have made
 * durable is decided by the workload's own model of Raft's rule (new entries, or a new term or
 * vote), not by asking the WAL under test; some saves change only the vote.
 *
 * <p>{@code -Dwal.crash.seeds=N} runs N seeds (default 3000); {@code -Dwal.crash.seed=S} starts
 * from seed S.
 */
@Tag("slow") // multi-process or crash test: run by failsafe in mvn verify, not by mvn test
final class CrashTest {
  static final Path DIR = Path.of("/crash/wal");
  static final int ROUNDS = 3;

  /** The log as Raft sees it after some prefix of the records written. */
  record State(List<Entry> entries, HardState hs) {}

  @Test
  void randomWorkloads_crashedAnywhere_recoverAllSyncedSaves() throws Exception {
    int seeds = Integer.getInteger("wal.crash.seeds", 3000);
    long first = Long.getLong("wal.crash.seed", 1L);
    long t0 = System.nanoTime();
    for (long seed = first; seed < first + seeds; seed++) {
      try {
        runSeed(seed);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "crash test failed for seed "
                + seed
                + " (rerun with -Dwal.crash.seed="
                + seed
                + " -Dwal.crash.seeds=1)",
            e);
      }
    }
    System.out.printf(
        "CrashTest: %d seeds x %d crash rounds in %d ms%n",
        seeds, ROUNDS, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Runs one seed's rounds of workload, crash and recovery. */
  static void runSeed(long seed) throws Exception {
    Random r = new Random(seed);
    CrashFs fs = new CrashFs();
    fs.createDirectories(Path.of("/crash"));
    fs.syncDir(Path.of("/"));
    fs.syncDir(Path.of("/crash"));
    WalOptions opts = WalOptions.DEFAULT.withSegmentSizeBytes(512 + r.nextInt(3000));

    Workload wl = new Workload(r, new State(List.of(), HardState.getDefaultInstance()), 0);
    Wal w = null;
    for (int round = 0; round < ROUNDS; round++) {
      fs.crashAfter(r.nextInt(120), seed * 1_000_003 + round);
      try {
        if (w == null) {
          w =
              Wal.create(
                  DIR, "meta".getBytes(java.nio.charset.StandardCharsets.UTF_8), opts.withFs(fs));
          wl.created = true;
        }
        for (int i = 0; i < 40; i++) {
          wl.step(w);
        }
      } catch (IOException e) {
        if (!fs.isDead()) {
          throw e;
        }
      }
      CrashFs image = fs.isDead() ? fs.crashedImage() : fs.crash(seed * 7 + round);
      closeDead(w);
      w = null;
      fs = image;
      WalOptions o = opts.withFs(fs);
      if (!WalNames.exist(fs, DIR)) {
        assertThat(wl.created).as("a created WAL vanished").isFalse();
        return;
      }
      List<Snapshot> snaps = Wal.validSnapshotEntries(DIR, o);
      Snapshot snap = snaps.get(snaps.size() - 1);
      w = Wal.open(DIR, snap, o);
      WalContents c;
      try {
        c = w.readAll();
      } catch (TornTailException torn) {
        w.close();
        assertThat(Wal.repair(DIR, o)).as("repair of %s", torn.getMessage()).isTrue();
        w = Wal.open(DIR, snap, o);
        c = w.readAll();
      }
      State matched = wl.match(snap.getIndex(), c);
      wl = new Workload(r, matched, snap.getIndex());
      wl.created = true;
    }
    w.close();
  }

  static void closeDead(Wal w) {
    if (w == null) {
      return;
    }
    try {
      w.close();
    } catch (IOException | RuntimeException expected) {
      // the machine is down
    }
  }

  /** Drives a WAL like Raft would and records the state after every record written. */
  static final class Workload {
    final Random r;
    final List<State> states = new ArrayList<>();

    /** states.get(synced) and everything before it are durable. */
    int synced;

    boolean created;
    List<Entry> ents;
    HardState hs;

    /** The hard state the WAL compares against for MustSync. */
    HardState savedHs;

    long snapIndex;
    long term;

    Workload(Random r, State base, long snapIndex) {
      this.r = r;
      this.ents = new ArrayList<>(base.entries());
      this.hs = base.hs();
      this.savedHs = base.hs();
      this.snapIndex = snapIndex;
      this.term = Math.max(1, hs.getTerm());
      states.add(base);
    }

    long lastIndex() {
      return ents.isEmpty() ? 0 : ents.get(ents.size() - 1).getIndex();
    }

    void step(Wal w) throws IOException {
      int op = r.nextInt(100);
      if (op < 55) {
        saveEntries(w);
      } else if (op < 60) {
        HardState next =
            hs.toBuilder()
                .setCommit(hs.getCommit() + (lastIndex() > hs.getCommit() ? 1 : 0))
                .setTerm(term)
                .build();
        save(w, next, List.of());
      } else if (op < 65) {
        // a vote and nothing else: granted in this term, or, once given, a new term with none yet
        if (hs.getVote() == 0 && hs.getTerm() == term) {
          save(w, hs.toBuilder().setVote(1 + r.nextInt(3)).build(), List.of());
        } else {
          term++;
          save(w, hs.toBuilder().setTerm(term).setVote(0).build(), List.of());
        }
      } else if (op < 75) {
        w.cut();
        synced = states.size() - 1;
      } else if (op < 87) {
        long commit = savedHs.getCommit();
        if (commit > snapIndex) {
          long s = snapIndex + 1 + r.nextInt((int) (commit - snapIndex));
          Snapshot snap =
              Snapshot.newBuilder()
                  .setIndex(s)
                  .setTerm(ents.get((int) s - 1).getTerm())
                  .setConfState(ConfState.newBuilder().addVoters(1))
                  .build();
          w.saveSnapshot(snap);
          synced = states.size() - 1;
          snapIndex = s;
        }
      } else if (op < 95) {
        w.releaseLockTo(snapIndex);
      } else {
        WalPurger.purge(w.fs(), DIR, 1 + r.nextInt(3));
      }
    }

    private void saveEntries(Wal w) throws IOException {
      List<Entry> batch = new ArrayList<>();
      long start = lastIndex() + 1;
      if (lastIndex() > hs.getCommit() && r.nextInt(10) == 0) {
        // a new leader overwrites an uncommitted suffix
        start = hs.getCommit() + 1 + r.nextInt((int) (lastIndex() - hs.getCommit()));
        term++;
      }
      int n = 1 + r.nextInt(4);
      for (int i = 0; i < n; i++) {
        byte[] data = new byte[r.nextInt(300)];
        r.nextBytes(data);
        batch.add(
            Entry.newBuilder()
                .setIndex(start + i)
                .setTerm(term)
                .setData(ByteString.copyFrom(data))
                .build());
      }
      HardState next =
          hs.toBuilder()
              .setTerm(term)
              .setVote(r.nextInt(4) == 0 ? r.nextInt(3) : hs.getVote())
              .build();
      long last = start + n - 1;
      long commit = hs.getCommit();
      if (last > commit && r.nextBoolean()) {
        commit = commit + r.nextInt((int) (last - commit) + 1);
      }
      next = next.toBuilder().setCommit(Math.min(commit, last)).build();
      save(w, next, batch);
    }

    private void save(Wal w, HardState next, List<Entry> batch) throws IOException {
      boolean mustSync = raftRequiresSync(next, savedHs, batch.size());
      int segmentsBefore = w.lockedIndexes().size();
      String tailBefore = w.tailName();
      // record the states each record leads to before writing: a crash may land midway
      for (Entry e : batch) {
        int keep = (int) (e.getIndex() - 1);
        List<Entry> es = new ArrayList<>(ents.subList(0, Math.min(keep, ents.size())));
        es.add(e);
        ents = es;
        states.add(new State(List.copyOf(ents), hs));
      }
      if (!Util.isEmptyHardState(next)) {
        hs = next;
        states.add(new State(List.copyOf(ents), hs));
      }
      w.save(next, batch);
      if (!Util.isEmptyHardState(next)) {
        savedHs = next;
      }
      if (mustSync
          || !w.tailName().equals(tailBefore)
          || w.lockedIndexes().size() != segmentsBefore) {
        synced = states.size() - 1;
      }
    }

    /**
     * Raft's durability rule, stated here independently of the WAL under test: a save is
     * acknowledged as durable when it carries entries, or changes the term or the vote (Raft §5.1
     * figure 2: currentTerm, votedFor and log[] are persistent state).
     */
    static boolean raftRequiresSync(HardState next, HardState saved, int entries) {
      if (entries > 0) {
        return true;
      }
      if (next.getTerm() == 0 && next.getVote() == 0 && next.getCommit() == 0) {
        return false; // nothing to save
      }
      return next.getTerm() != saved.getTerm() || next.getVote() != saved.getVote();
    }

    /** The state after some record prefix at or past the synced point equals what was recovered. */
    State match(long snapIndex, WalContents c) {
      for (int m = synced; m < states.size(); m++) {
        State s = states.get(m);
        if (sameHardState(s.hs(), c.state()) && after(s.entries(), snapIndex).equals(c.entries())) {
          return s;
        }
      }
      StringBuilder sb = new StringBuilder("recovered " + ids(c.entries()) + "\n");
      for (int m = 0; m < states.size(); m++) {
        sb.append(m)
            .append(": ")
            .append(ids(after(states.get(m).entries(), snapIndex)))
            .append(" hs ")
            .append(states.get(m).hs().toString().replace('\n', ' '))
            .append('\n');
      }
      fail(
          sb
              + "recovered state matches no record prefix from the synced point %d of %d: hs=%s, %d entries after %d%n"
              + "synced state: hs=%s, %d entries",
          synced,
          states.size() - 1,
          c.state(),
          c.entries().size(),
          snapIndex,
          states.get(synced).hs(),
          states.get(synced).entries().size());
      return null;
    }

    /** By value: the WAL writes all three fields, as etcd does, whatever the caller set. */
    static boolean sameHardState(HardState a, HardState b) {
      return a.getTerm() == b.getTerm()
          && a.getVote() == b.getVote()
          && a.getCommit() == b.getCommit();
    }

    static String ids(List<Entry> es) {
      StringBuilder sb = new StringBuilder();
      for (Entry e : es) {
        sb.append(e.getIndex()).append('/').append(e.getTerm()).append(' ');
      }
      return sb.toString();
    }

    static List<Entry> after(List<Entry> es, long index) {
      List<Entry> out = new ArrayList<>();
      for (Entry e : es) {
        if (e.getIndex() > index) {
          out.add(e);
        }
      }
      return out;
    }
  }
}
