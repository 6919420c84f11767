package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.VOTERS_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.wal.CrashFs;
import io.raftj.wal.Wal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Random workloads of saves (entries and hard states, now and then a snapshot received from a
 * leader), local snapshots, compactions and purges over {@link CrashFs}, crashed at a random
 * file-system call (snapshot files, WAL segments, the lock file and directory fsyncs alike), then
 * reopened with {@link DurableStorage#open} on what survived. The reopening must succeed (a torn
 * tail is repaired, never fatal), and the recovered storage must be the state after some prefix of
 * the writes at or past the last acknowledged one: every entry a returned save wrote, its hard
 * state or a later one, and a snapshot whose data is what was saved at its term and index. Each
 * seed crashes {@link #ROUNDS} times, going on from what the previous crash left.
 *
 * <p>{@code -Dstorage.crash.seeds=N} runs N seeds (default 3000); {@code -Dstorage.crash.seed=S}
 * starts from seed S.
 */
@Tag("slow") // multi-process or crash test: run by failsafe in mvn verify, not by mvn test
final class DurableStorageCrashTest {
  static final Path DIR = Path.of("/crash/data");
  static final int ROUNDS = 3;

  /**
   * What the storage holds after some prefix of the writes: the log after {@code base} (the index
   * of the last snapshot received from a leader, which replaced the log), its last index and the
   * hard state.
   */
  record State(long base, TreeMap<Long, ByteString> log, long last, HardState hs) {}

  @Test
  void randomWorkloads_crashedAnywhere_reopenWithEveryAcknowledgedWrite() throws Exception {
    int seeds = Integer.getInteger("storage.crash.seeds", 3000);
    long first = Long.getLong("storage.crash.seed", 1L);
    long t0 = System.nanoTime();
    for (long seed = first; seed < first + seeds; seed++) {
      try {
        runSeed(seed);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "storage crash test failed for seed "
                + seed
                + " (rerun with -Dstorage.crash.seed="
                + seed
                + " -Dstorage.crash.seeds=1)",
            e);
      }
    }
    System.out.printf(
        "DurableStorageCrashTest: %d seeds x %d crash rounds in %d ms%n",
        seeds, ROUNDS, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Runs one seed's rounds of workload, crash and reopening. */
  static void runSeed(long seed) throws Exception {
    Random r = new Random(seed);
    CrashFs fs = newFs();
    DurableStorageOptions opts =
        DurableStorageOptions.DEFAULT
            .withWalSegmentSizeBytes(1024 + r.nextInt(3000))
            .withSnapshotCatchUpEntries(r.nextInt(4))
            .withMaxSnapshotFiles(1 + r.nextInt(3))
            .withMaxWalSegments(1 + r.nextInt(2))
            .withMaxBrokenSnapshotFiles(1);
    Workload wl = new Workload(r);
    try {
      runRounds(seed, r, fs, opts, wl);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("trace of seed " + seed + ":\n" + String.join("\n", wl.trace), e);
    }
  }

  private static void runRounds(
      long seed, Random r, CrashFs fs, DurableStorageOptions opts, Workload wl) throws Exception {
    DurableStorage s = null;
    for (int round = 0; round < ROUNDS; round++) {
      int calls = r.nextInt(150);
      wl.trace.add("round " + round + ": crash after " + calls + " calls");
      fs.crashAfter(calls, seed * 1_000_003 + round);
      try {
        if (s == null) {
          s = DurableStorage.open(DIR, opts.withFs(fs));
          wl.opened(s);
        }
        for (int i = 0; i < 30 && !fs.isDead(); i++) {
          wl.step(s, fs);
        }
      } catch (IOException e) {
        if (!fs.isDead()) {
          throw e;
        }
      }
      wl.trace.add(fs.isDead() ? "crashed: " + fs.deathCause() : "crashed after the round");
      CrashFs image = fs.isDead() ? fs.crashedImage() : fs.crash(seed * 7 + round);
      closeDead(s);
      fs = image;
      wl.trace.add("left " + files(fs));
      if (r.nextInt(3) == 0) {
        // crash again inside the recovery (a repair, removing files, renewing a record)
        int recoveryCalls = r.nextInt(12);
        fs.crashAfter(recoveryCalls, seed * 31 + round);
        try {
          closeDead(DurableStorage.open(DIR, opts.withFs(fs)));
        } catch (IOException e) {
          if (!fs.isDead()) {
            throw e;
          }
        }
        if (fs.isDead()) {
          wl.trace.add("crashed in recovery after " + recoveryCalls + " calls: " + fs.deathCause());
          fs = fs.crashedImage();
          wl.trace.add("left " + files(fs));
        } else {
          fs.crashAfter(-1, 0);
        }
      }
      s = DurableStorage.open(DIR, opts.withFs(fs));
      wl.trace.add(
          "reopened at snapshot "
              + s.snapshotAtOpen().getMetadata().getIndex()
              + ", hard state "
              + Workload.str(s.hardStateAtOpen())
              + ", last "
              + s.memoryStorage().lastIndex()
              + ", "
              + files(fs));
      wl.recovered(s);
    }
    s.close();
  }

  // ---------------------------------------------------------------------------------------------
  // crashes at chosen points inside a snapshot save

  /** Where in a snapshot save the machine goes down. */
  enum SnapCrash {
    TMP_WRITTEN_BEFORE_FSYNC((op, p) -> op.equals("force") && p.toString().endsWith(".snap.tmp")),
    FSYNCED_BEFORE_RENAME((op, p) -> op.equals("rename") && p.toString().endsWith(".snap.tmp")),
    RENAMED_BEFORE_DIR_FSYNC((op, p) -> op.equals("syncDir") && p.equals(DIR.resolve("snap"))),
    FILE_DONE_BEFORE_WAL_RECORD((op, p) -> op.equals("write") && p.toString().endsWith(".wal")),
    WAL_RECORD_BEFORE_ITS_FSYNC((op, p) -> op.equals("force") && p.toString().endsWith(".wal")),
    WAL_RECORD_SYNCED_BEFORE_HARD_STATE_SYNC(null);

    final TriggerFs.Trigger trigger;

    SnapCrash(TriggerFs.Trigger trigger) {
      this.trigger = trigger;
    }

    TriggerFs.Trigger trigger() {
      if (trigger != null) {
        return trigger;
      }
      int[] walForces = {0};
      return (op, p) -> op.equals("force") && p.toString().endsWith(".wal") && ++walForces[0] == 2;
    }
  }

  static final int CRASH_SEEDS = 16;

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(SnapCrash.class)
  void localSnapshot_crashedInsideTheSave_reopensAtTheOldOrNewSnapshot(SnapCrash at)
      throws IOException {
    for (long seed = 0; seed < CRASH_SEEDS; seed++) {
      TriggerFs fs = new TriggerFs(newFs(), seed);
      DurableStorage s = DurableStorage.open(DIR, crashOptions().withFs(fs));
      List<Entry> ents = prepare(s);
      ByteString data = ByteString.copyFromUtf8("local@25");
      fs.crashAt(at.trigger());
      boolean returned = false;
      try {
        s.snapshot(25, VOTERS_1, data);
        returned = true; // a local snapshot has no hard state to sync: crash after it instead
      } catch (IOException crashed) {
        // the crash point was reached
      }
      CrashFs image = fs.image() != null ? fs.image() : fs.crash();
      closeDead(s);
      try (DurableStorage r = DurableStorage.open(DIR, crashOptions().withFs(image))) {
        String context = at + ", crash seed " + seed;
        long snapIndex = r.snapshotAtOpen().getMetadata().getIndex();
        assertThat(snapIndex).as(context).isIn(returned ? List.of(25L) : List.of(10L, 25L));
        assertThat(r.snapshotAtOpen().getData())
            .as(context)
            .isEqualTo(snapIndex == 10 ? ByteString.copyFromUtf8("local@10") : data);
        assertThat(r.hardStateAtOpen())
            .as(context)
            .isEqualTo(StorageTestSupport.hardState(1, 1, 30));
        assertThat(StorageTestSupport.allEntries(r.memoryStorage()))
            .as(context)
            .isEqualTo(ents.subList((int) snapIndex, ents.size()));
        assertCleanSnapDir(image, snapIndex, context);
        goOn(r, image, context);
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(SnapCrash.class)
  void receivedSnapshot_crashedInsideTheSave_reopensBeforeOrAfterIt(SnapCrash at)
      throws IOException {
    for (long seed = 0; seed < CRASH_SEEDS; seed++) {
      TriggerFs fs = new TriggerFs(newFs(), seed);
      DurableStorage s = DurableStorage.open(DIR, crashOptions().withFs(fs));
      List<Entry> ents = prepare(s);
      Snapshot snap =
          Snapshot.newBuilder()
              .setData(ByteString.copyFromUtf8("received@40"))
              .setMetadata(
                  SnapshotMetadata.newBuilder().setTerm(1).setIndex(40).setConfState(VOTERS_1))
              .build();
      fs.crashAt(at.trigger());
      assertThatCrashes(() -> s.save(StorageTestSupport.hardState(1, 1, 40), List.of(), snap));
      closeDead(s);
      CrashFs image = fs.image();
      try (DurableStorage r = DurableStorage.open(DIR, crashOptions().withFs(image))) {
        String context = at + ", crash seed " + seed;
        long snapIndex = r.snapshotAtOpen().getMetadata().getIndex();
        if (at == SnapCrash.WAL_RECORD_SYNCED_BEFORE_HARD_STATE_SYNC && snapIndex == 40) {
          // the hard state made it after all: the save's whole effect survived
          assertThat(r.snapshotAtOpen()).as(context).isEqualTo(snap);
          assertThat(r.hardStateAtOpen())
              .as(context)
              .isEqualTo(StorageTestSupport.hardState(1, 1, 40));
          assertThat(r.memoryStorage().lastIndex()).as(context).isEqualTo(40);
        } else {
          assertThat(snapIndex).as(context).isEqualTo(10);
          assertThat(r.snapshotAtOpen().getData())
              .as(context)
              .isEqualTo(ByteString.copyFromUtf8("local@10"));
          assertThat(r.hardStateAtOpen())
              .as(context)
              .isEqualTo(StorageTestSupport.hardState(1, 1, 30));
          assertThat(StorageTestSupport.allEntries(r.memoryStorage()))
              .as(context)
              .isEqualTo(ents.subList(10, ents.size()));
        }
        assertCleanSnapDir(image, snapIndex, context);
        goOn(r, image, context);
      }
    }
  }

  /**
   * Regression: a received snapshot's save returned, but the hard state that confirms it was not
   * synced.
   */
  @Test
  void receivedSnapshot_crashAfterTheSaveReturned_survives() throws IOException {
    for (long seed = 0; seed < 64; seed++) {
      CrashFs fs = newFs();
      DurableStorage s = DurableStorage.open(DIR, crashOptions().withFs(fs));
      prepare(s);
      Snapshot snap =
          Snapshot.newBuilder()
              .setData(ByteString.copyFromUtf8("received@40"))
              .setMetadata(
                  SnapshotMetadata.newBuilder().setTerm(1).setIndex(40).setConfState(VOTERS_1))
              .build();
      // same term and vote: only the commit changes, which alone Raft does not require to sync
      s.save(StorageTestSupport.hardState(1, 1, 40), List.of(), snap);
      s.purge(); // the WAL released its segments up to the new snapshot (etcd#10219)
      CrashFs image = fs.crash(seed);
      closeDead(s);
      try (DurableStorage r = DurableStorage.open(DIR, crashOptions().withFs(image))) {
        assertThat(r.snapshotAtOpen()).as("crash seed %d", seed).isEqualTo(snap);
        assertThat(r.hardStateAtOpen().getCommit()).as("crash seed %d", seed).isEqualTo(40);
      }
    }
  }

  /**
   * Regression: an earlier crash left bytes of a torn write past the WAL's clean end. Reopening
   * zeroes them, but if the zeroing is not synced, a crash while the next record is written over
   * them can combine the new record's first sector with the old bytes, which reads as corruption
   * (no zero sector marks it torn) and the directory no longer opens.
   */
  @Test
  void reopen_overAnOlderTornWrite_thenTornAgain_stillOpens() throws IOException {
    for (long seed = 0; seed < 64; seed++) {
      CrashFs base = newFs();
      Path tail;
      try (DurableStorage s = DurableStorage.open(DIR, crashOptions().withFs(base))) {
        prepare(s);
        List<String> wals = base.list(DIR.resolve("wal"));
        tail =
            DIR.resolve("wal")
                .resolve(
                    wals.get(
                        wals.size() - 1 - (wals.get(wals.size() - 1).endsWith(".tmp") ? 1 : 0)));
      }
      // the residue of an older torn write: non-zero bytes in the sector after the clean end
      byte[] bytes = base.contents(tail);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] == 0) {
        end--;
      }
      long residue = (end / CrashFs.SECTOR + 1) * (long) CrashFs.SECTOR;
      try (io.raftj.wal.WalFs.WalFile f = base.open(tail, true)) {
        byte[] junk = new byte[CrashFs.SECTOR];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        f.write(java.nio.ByteBuffer.wrap(junk), residue);
        f.force();
      }
      TriggerFs fs = new TriggerFs(base, seed);
      DurableStorage s = DurableStorage.open(DIR, crashOptions().withFs(fs));
      Entry big =
          Entry.newBuilder()
              .setTerm(1)
              .setIndex(31)
              .setData(ByteString.copyFromUtf8("y".repeat(3 * CrashFs.SECTOR)))
              .build();
      fs.crashAt((op, p) -> op.equals("force") && p.equals(tail));
      assertThatCrashes(
          () ->
              s.save(
                  StorageTestSupport.hardState(1, 1, 31),
                  List.of(big),
                  Snapshot.getDefaultInstance()));
      closeDead(s);
      try (DurableStorage r = DurableStorage.open(DIR, crashOptions().withFs(fs.image()))) {
        assertThat(r.memoryStorage().lastIndex()).as("crash seed %d", seed).isIn(30L, 31L);
      }
    }
  }

  static DurableStorageOptions crashOptions() {
    return DurableStorageOptions.DEFAULT
        .withWalSegmentSizeBytes(2048)
        .withSnapshotCatchUpEntries(0)
        .withMaxSnapshotFiles(1)
        .withMaxWalSegments(1);
  }

  /** Entries 1..30 at term 1, a snapshot at 10 ("local@10"), commit 30. Returns the entries. */
  private static List<Entry> prepare(DurableStorage s) throws IOException {
    List<Entry> ents = new ArrayList<>();
    for (long i = 1; i <= 30; i++) {
      Entry e =
          Entry.newBuilder()
              .setTerm(1)
              .setIndex(i)
              .setData(ByteString.copyFromUtf8("entry-" + i + "-" + "x".repeat(60)))
              .build();
      ents.add(e);
      s.save(StorageTestSupport.hardState(1, 1, i), List.of(e), Snapshot.getDefaultInstance());
      if (i == 10) {
        s.snapshot(10, VOTERS_1, ByteString.copyFromUtf8("local@10"));
      }
    }
    return ents;
  }

  interface Call {
    void run() throws IOException;
  }

  private static void assertThatCrashes(Call c) {
    try {
      c.run();
    } catch (IOException expected) {
      return;
    }
    fail("the call did not reach the crash point");
  }

  /** No temporary snapshot file, and no snapshot file newer than the one loaded, is left. */
  private static void assertCleanSnapDir(CrashFs fs, long loaded, String context)
      throws IOException {
    for (String name : fs.list(DIR.resolve("snap"))) {
      assertThat(name).as(context).doesNotEndWith(".tmp");
      if (name.endsWith(".snap")) {
        assertThat(Snapshotter.indexOf(name)).as(context + ": " + name).isLessThanOrEqualTo(loaded);
      }
    }
  }

  /** The reopened storage keeps working: more entries, a snapshot, and a clean reopening. */
  private static void goOn(DurableStorage r, CrashFs fs, String context) throws IOException {
    long last = r.memoryStorage().lastIndex();
    List<Entry> more = StorageTestSupport.entries(2, last + 1, last + 5);
    r.save(StorageTestSupport.hardState(2, 1, last + 5), more, Snapshot.getDefaultInstance());
    r.snapshot(last + 3, VOTERS_1, ByteString.copyFromUtf8("later"));
    r.close();
    try (DurableStorage again = DurableStorage.open(DIR, crashOptions().withFs(fs))) {
      assertThat(again.snapshotAtOpen().getMetadata().getIndex()).as(context).isEqualTo(last + 3);
      assertThat(again.snapshotAtOpen().getData().toStringUtf8()).as(context).isEqualTo("later");
      assertThat(StorageTestSupport.allEntries(again.memoryStorage()))
          .as(context)
          .isEqualTo(more.subList(3, 5));
    }
  }

  /** The WAL segments (with their snapshot records) and snapshot files, for traces. */
  static String files(CrashFs fs) {
    StringBuilder sb = new StringBuilder();
    try {
      for (String n : fs.list(DIR.resolve("wal"))) {
        sb.append(n.replaceAll("^0+(?=.)", "").replaceAll("-0+(?=.)", "-")).append(' ');
      }
      sb.append("snapshot records ");
      for (io.raftj.wal.walpb.Snapshot w :
          Wal.validSnapshotEntries(
              DIR.resolve("wal"), io.raftj.wal.WalOptions.DEFAULT.withFs(fs))) {
        sb.append(w.getIndex()).append('/').append(w.getTerm()).append(' ');
      }
      sb.append("snap files ");
      for (String n : fs.list(DIR.resolve("snap"))) {
        sb.append(n.replaceAll("^0+(?=.)", "").replaceAll("-0+(?=.)", "-")).append(' ');
      }
    } catch (IOException | RuntimeException e) {
      sb.append(e);
    }
    return sb.toString();
  }

  static CrashFs newFs() throws IOException {
    CrashFs fs = new CrashFs();
    fs.createDirectories(Path.of("/crash"));
    fs.syncDir(Path.of("/"));
    fs.syncDir(Path.of("/crash"));
    return fs;
  }

  static void closeDead(DurableStorage s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException | RuntimeException expected) {
      // the machine is down
    }
  }

  /** Drives a DurableStorage as a Raft node would, recording the state after every write. */
  static final class Workload {
    final Random r;

    /** The states the writes so far lead through; states.get(synced) and before are durable. */
    List<State> states = new ArrayList<>();

    int synced;

    /** The data saved for each snapshot, by "term/index" (a snapshot may be taken twice). */
    final Map<String, Set<ByteString>> snapshots = new HashMap<>();

    long term = 1;
    int op;

    /**
     * A received snapshot whose save a crash interrupted. Its WAL record may have survived without
     * the commit that confirms it, so the leader sends it again before anything else: in Raft the
     * entry at its index is committed at its term, and the log may not later hold another term
     * there (a record with the same index and another term would not match).
     */
    Snapshot resend;

    /** What was done, for the failure message. */
    final List<String> trace = new ArrayList<>();

    Workload(Random r) {
      this.r = r;
      states.add(new State(0, new TreeMap<>(), 0, HardState.getDefaultInstance()));
    }

    State cur() {
      return states.get(states.size() - 1);
    }

    /** The first open of a fresh directory: nothing there yet. */
    void opened(DurableStorage s) {
      assertThat(s.isRestart()).as("a fresh directory restarts").isFalse();
    }

    void step(DurableStorage s, CrashFs fs) throws IOException {
      op++;
      int kind = r.nextInt(100);
      State c = cur();
      MemoryStorage ms = s.memoryStorage();
      long snapIndex = ms.snapshot().getMetadata().getIndex();
      if (resend != null) {
        receiveSnapshot(s, fs, resend);
      } else if (kind < 50) {
        saveEntries(s, fs);
      } else if (kind < 60) {
        saveHardState(s, fs);
      } else if (kind < 67) {
        State c0 = cur();
        long index = Math.max(c0.last(), c0.hs().getCommit()) + 1 + r.nextInt(20);
        receiveSnapshot(
            s,
            fs,
            Snapshot.newBuilder()
                .setData(payload("received@" + index + "/" + op, 2000))
                .setMetadata(
                    SnapshotMetadata.newBuilder()
                        .setIndex(index)
                        .setTerm(term)
                        .setConfState(VOTERS_1))
                .build());
      } else if (kind < 80) {
        long from = Math.max(snapIndex + 1, ms.firstIndex());
        if (c.hs().getCommit() >= from) {
          long index = from + r.nextInt((int) (c.hs().getCommit() - from + 1));
          ByteString data = payload("local@" + index + "/" + op, 2000);
          long t = ms.term(index);
          snapshots.computeIfAbsent(t + "/" + index, k -> new HashSet<>()).add(data);
          trace.add(op + ": snapshot at " + index + " (term " + t + ")");
          s.snapshot(index, VOTERS_1, data);
          acknowledged(fs, true);
        }
      } else if (kind < 88) {
        long first = ms.firstIndex();
        long applied = Math.min(c.hs().getCommit(), ms.lastIndex());
        if (applied >= first) {
          long index = first + r.nextInt((int) (applied - first + 1));
          trace.add(op + ": compact " + index);
          s.compact(index);
        }
      } else {
        trace.add(op + ": purge");
        s.purge();
        acknowledged(fs, false);
      }
    }

    private ByteString payload(String tag, int maxPad) {
      byte[] pad = new byte[r.nextInt(maxPad + 1)];
      r.nextBytes(pad);
      return ByteString.copyFromUtf8(tag + "/").concat(ByteString.copyFrom(pad));
    }

    private void saveEntries(DurableStorage s, CrashFs fs) throws IOException {
      State c = cur();
      long start = c.last() + 1;
      if (c.last() > c.hs().getCommit() && r.nextInt(8) == 0) {
        // a new leader overwrites an uncommitted suffix
        start = c.hs().getCommit() + 1 + r.nextInt((int) (c.last() - c.hs().getCommit()));
        term++;
      }
      int n = 1 + r.nextInt(4);
      List<Entry> batch = new ArrayList<>();
      TreeMap<Long, ByteString> log = new TreeMap<>(c.log());
      long last = c.last();
      for (int i = 0; i < n; i++) {
        long index = start + i;
        Entry e =
            Entry.newBuilder()
                .setIndex(index)
                .setTerm(term)
                .setData(payload("e" + index + "/" + op, 300))
                .build();
        batch.add(e);
        // a crash may keep any prefix of the batch's records
        log = new TreeMap<>(log.headMap(index));
        log.put(index, e.getData());
        last = index;
        states.add(new State(c.base(), log, last, c.hs()));
      }
      long commit = c.hs().getCommit();
      if (last > commit && r.nextBoolean()) {
        commit += r.nextInt((int) (last - commit) + 1);
      }
      HardState hs =
          HardState.newBuilder()
              .setTerm(term)
              .setVote(r.nextInt(5) == 0 ? r.nextInt(3) : c.hs().getVote())
              .setCommit(commit)
              .build();
      states.add(new State(c.base(), log, last, hs));
      trace.add(
          op + ": save " + start + ".." + last + " at term " + term + ", hard state " + str(hs));
      s.save(hs, batch, Snapshot.getDefaultInstance());
      acknowledged(fs, true);
    }

    private void saveHardState(DurableStorage s, CrashFs fs) throws IOException {
      State c = cur();
      HardState.Builder hs = c.hs().toBuilder().setTerm(term);
      boolean sync;
      if (c.last() > c.hs().getCommit() && r.nextBoolean()) {
        hs.setCommit(c.hs().getCommit() + 1 + r.nextInt((int) (c.last() - c.hs().getCommit())));
        sync = hs.getTerm() != c.hs().getTerm();
      } else if (c.hs().getVote() == 0 && c.hs().getTerm() == term && r.nextBoolean()) {
        hs.setVote(1 + r.nextInt(2)); // a vote granted in this term and nothing else: Raft syncs it
        sync = true;
      } else {
        term++; // an election: a new term, perhaps a vote
        hs.setTerm(term).setVote(r.nextInt(3));
        sync = true;
      }
      states.add(new State(c.base(), c.log(), c.last(), hs.build()));
      trace.add(op + ": save hard state " + str(hs.build()));
      s.save(hs.build(), List.of(), Snapshot.getDefaultInstance());
      acknowledged(fs, sync);
    }

    /** A snapshot from a leader past this log: it replaces the log, as a follower's Ready does. */
    private void receiveSnapshot(DurableStorage s, CrashFs fs, Snapshot snap) throws IOException {
      State c = cur();
      long index = snap.getMetadata().getIndex();
      snapshots
          .computeIfAbsent(snap.getMetadata().getTerm() + "/" + index, k -> new HashSet<>())
          .add(snap.getData());
      term = Math.max(term, snap.getMetadata().getTerm());
      HardState hs = c.hs().toBuilder().setTerm(term).setCommit(index).build();
      states.add(new State(index, new TreeMap<>(), index, hs));
      trace.add(
          op
              + ": save received snapshot at "
              + index
              + " (term "
              + snap.getMetadata().getTerm()
              + "), hard state "
              + str(hs));
      resend = snap;
      s.save(hs, List.of(), snap);
      // Raft answers the leader as soon as this returns: the snapshot must survive.
      acknowledged(fs, true);
      resend = null;
    }

    /** A call returned: with {@code durable}, everything written so far must survive a crash. */
    private void acknowledged(CrashFs fs, boolean durable) {
      assertThat(fs.isDead())
          .as("a call returned normally after the file system crashed")
          .isFalse();
      if (durable) {
        synced = states.size() - 1;
      }
    }

    /** Checks a reopened storage against the states from the synced one on, and goes on from it. */
    void recovered(DurableStorage s) {
      MemoryStorage ms = s.memoryStorage();
      Snapshot snap = s.snapshotAtOpen();
      long snapIndex = snap.getMetadata().getIndex();
      HardState hs = s.hardStateAtOpen();
      if (snapIndex > 0) {
        String key = snap.getMetadata().getTerm() + "/" + snapIndex;
        assertThat(snapshots.get(key)).as("snapshot %s was saved", key).isNotNull();
        assertThat(snapshots.get(key)).as("data of snapshot %s", key).contains(snap.getData());
        assertThat(snapIndex).as("snapshot index vs commit").isLessThanOrEqualTo(hs.getCommit());
      }
      assertThat(ms.firstIndex()).isEqualTo(snapIndex + 1);
      List<Entry> ents = StorageTestSupport.allEntries(ms);
      for (int m = synced; m < states.size(); m++) {
        State st = states.get(m);
        if (matches(st, snapIndex, ms.lastIndex(), ents, hs)) {
          restartFrom(st, s);
          return;
        }
      }
      StringBuilder sb = new StringBuilder();
      sb.append("recovered snapshot ")
          .append(snapIndex)
          .append(", last ")
          .append(ms.lastIndex())
          .append(", hs ")
          .append(str(hs))
          .append(", entries ")
          .append(ids(ents))
          .append('\n');
      for (int m = 0; m < states.size(); m++) {
        State st = states.get(m);
        sb.append(m == synced ? "synced " : "")
            .append(m)
            .append(": base ")
            .append(st.base())
            .append(" last ")
            .append(st.last())
            .append(" hs ")
            .append(str(st.hs()))
            .append(" log ")
            .append(st.log().keySet())
            .append('\n');
      }
      fail(sb + "the reopened storage matches no state from the acknowledged one (%d) on", synced);
    }

    private static boolean matches(
        State st, long snapIndex, long last, List<Entry> ents, HardState hs) {
      if (!sameHardState(st.hs(), hs) || st.last() != last || snapIndex < st.base()) {
        return false;
      }
      for (Entry e : ents) {
        if (!e.getData().equals(st.log().get(e.getIndex()))) {
          return false;
        }
      }
      return true;
    }

    private void restartFrom(State st, DurableStorage s) {
      if (resend != null && st.base() >= resend.getMetadata().getIndex()) {
        resend = null; // the interrupted save survived
      }
      long maxTerm = st.hs().getTerm();
      for (Entry e : StorageTestSupport.allEntries(s.memoryStorage())) {
        maxTerm = Math.max(maxTerm, e.getTerm());
      }
      term = Math.max(1, Math.max(maxTerm, s.snapshotAtOpen().getMetadata().getTerm()));
      states = new ArrayList<>(List.of(st));
      synced = 0;
    }

    static boolean sameHardState(HardState a, HardState b) {
      return a.getTerm() == b.getTerm()
          && a.getVote() == b.getVote()
          && a.getCommit() == b.getCommit();
    }

    static String str(HardState hs) {
      return hs.getTerm() + "/" + hs.getVote() + "/" + hs.getCommit();
    }

    static String ids(List<Entry> es) {
      StringBuilder sb = new StringBuilder();
      for (Entry e : es) {
        sb.append(e.getIndex()).append('/').append(e.getTerm()).append(' ');
      }
      return sb.toString();
    }
  }
}
