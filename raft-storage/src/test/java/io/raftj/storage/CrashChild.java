package io.raftj.storage;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The process {@link KillNineTest} kills: one node's write path on a real disk, as a single-voter
 * Raft drives it. Each round appends a batch of entries with a hard state that commits them (what a
 * lone voter's Ready carries), applies them to a tiny state machine and prints {@code ACK <index>
 * <payload>} for each, only after {@link DurableStorage#save} returned. Now and then it snapshots
 * the state machine, which compacts and purges. On start it recovers, replays the committed entries
 * after the snapshot (printing them again) and goes on in a new term.
 *
 * <p>It exits when its standard input closes, so it never outlives the test.
 */
public final class CrashChild {

  static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).build();
  static final int SNAPSHOT_EVERY = 100;

  private CrashChild() {}

  static DurableStorageOptions options() {
    return DurableStorageOptions.DEFAULT
        .withWalSegmentSizeBytes(16 * 1024)
        .withSnapshotCatchUpEntries(50)
        .withMaxSnapshotFiles(2)
        .withMaxWalSegments(2);
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    exitWhenParentGoes();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (DurableStorage storage = DurableStorage.open(dir, options())) {
      MemoryStorage ms = storage.memoryStorage();
      StateMachine sm = StateMachine.restore(storage.snapshotAtOpen());
      out.println("OPEN " + sm.applied + " " + ms.lastIndex());
      applyUpTo(sm, ms, storage.replayTargetIndex(), out);

      Random rnd = new Random(seed);
      long term = storage.hardStateAtOpen().getTerm() + 1;
      long next = ms.lastIndex() + 1;
      long lastSnap = sm.applied;
      for (int seq = 0; ; seq++) {
        int n = 1 + rnd.nextInt(8);
        List<Entry> batch = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          batch.add(
              Entry.newBuilder()
                  .setTerm(term)
                  .setIndex(next + k)
                  .setData(ByteString.copyFromUtf8("cmd-" + seed + "-" + seq + "-" + k))
                  .build());
        }
        HardState hs =
            HardState.newBuilder().setTerm(term).setVote(1).setCommit(next + n - 1).build();
        storage.save(hs, batch, Snapshot.getDefaultInstance());
        // Entries a crash left past the commit index are committed along with this batch.
        applyUpTo(sm, ms, hs.getCommit(), out);
        next += n;
        if (sm.applied - lastSnap >= SNAPSHOT_EVERY) {
          if (rnd.nextInt(4) > 0) {
            storage.snapshot(sm.applied, VOTERS, sm.encode());
          } else {
            // As a follower would receive it from a leader: the same state, through save.
            Snapshot received =
                Snapshot.newBuilder()
                    .setData(sm.encode())
                    .setMetadata(
                        SnapshotMetadata.newBuilder()
                            .setIndex(sm.applied)
                            .setTerm(term)
                            .setConfState(VOTERS))
                    .build();
            storage.save(hs, List.of(), received);
          }
          lastSnap = sm.applied;
        }
      }
    }
  }

  /** Halts this process when its standard input closes, which happens when the parent dies. */
  static void exitWhenParentGoes() {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // wait for the parent to go away
                }
              } catch (IOException e) {
                // the parent is gone either way
              }
              Runtime.getRuntime().halt(3);
            });
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** Applies the committed entries after the state machine's index, acknowledging each. */
  private static void applyUpTo(StateMachine sm, MemoryStorage ms, long commit, PrintStream out) {
    if (commit <= sm.applied) {
      return;
    }
    for (Entry e : ms.entries(sm.applied + 1, commit + 1, Long.MAX_VALUE)) {
      if (e.getIndex() != sm.applied + 1) {
        throw new IllegalStateException("apply gap: " + sm.applied + " then " + e.getIndex());
      }
      sm.apply(e.getIndex(), e.getData().toStringUtf8());
      out.println("ACK " + e.getIndex() + " " + e.getData().toStringUtf8());
    }
    out.flush();
  }

  /** Counts applied commands and folds their payloads into a hash: enough to check a snapshot. */
  static final class StateMachine {
    private static final ByteString PADDING = ByteString.copyFrom(new byte[256 * 1024]);
    long applied;
    long hash;

    void apply(long index, String payload) {
      applied = index;
      hash = (hash ^ payload.hashCode()) * 0x100000001b3L;
    }

    /** The state, padded so that snapshot writes take long enough for kills to land in them. */
    ByteString encode() {
      return ByteString.copyFromUtf8(applied + ":" + hash + ":").concat(PADDING);
    }

    static StateMachine restore(Snapshot snap) {
      StateMachine sm = new StateMachine();
      if (snap.getMetadata().getIndex() > 0) {
        String[] parts = snap.getData().toStringUtf8().split(":");
        sm.applied = Long.parseLong(parts[0]);
        sm.hash = Long.parseLong(parts[1]);
        if (sm.applied != snap.getMetadata().getIndex()) {
          throw new IllegalStateException(
              "snapshot data at "
                  + sm.applied
                  + " but metadata at "
                  + snap.getMetadata().getIndex());
        }
      }
      return sm;
    }
  }
}
