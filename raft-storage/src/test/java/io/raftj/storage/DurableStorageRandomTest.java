package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.VOTERS_1;
import static io.raftj.storage.StorageTestSupport.hardState;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of appends, local snapshots, snapshots received from a leader, compactions,
 * purges and reopenings, checked against a model after every reopening: the recovered snapshot is
 * one that was saved, with its data, and every entry after it is the one last saved at its index.
 * Seeds are fixed and printed on failure.
 */
final class DurableStorageRandomTest {

  @TempDir Path tmp;

  /** What the directory must hold: each index's entry payload, and each snapshot's data. */
  private static final class Model {
    final Map<Long, String> entries = new HashMap<>();
    final Map<Long, String> snapshots = new HashMap<>();
    long last;
    long applied;
    long term = 1;
  }

  @Test
  void randomSequences_recoverWhatWasSaved() throws IOException {
    for (long seed = 1; seed <= 12; seed++) {
      Path dir = Files.createDirectories(tmp.resolve("seed-" + seed));
      runSequence(dir, seed, 80);
    }
  }

  private static void runSequence(Path dir, long seed, int ops) throws IOException {
    Random rnd = new Random(seed);
    Model m = new Model();
    DurableStorage s = DurableStorage.open(dir, StorageTestSupport.smallOptions());
    try {
      for (int op = 0; op < ops; op++) {
        String context = "seed " + seed + ", op " + op;
        int kind = rnd.nextInt(10);
        if (kind < 5) {
          append(s, m, 1 + rnd.nextInt(20), op);
        } else if (kind == 5 && m.applied > s.memoryStorage().snapshot().getMetadata().getIndex()) {
          String data = "local@" + m.applied + "/" + op;
          s.snapshot(m.applied, VOTERS_1, ByteString.copyFromUtf8(data));
          m.snapshots.put(m.applied, data);
        } else if (kind == 6) {
          receiveSnapshot(s, m, m.last + 1 + rnd.nextInt(30), op);
        } else if (kind == 7 && m.applied >= s.memoryStorage().firstIndex()) {
          long first = s.memoryStorage().firstIndex();
          s.compact(first + (long) rnd.nextInt((int) (m.applied - first + 1)));
        } else if (kind == 8) {
          s.purge();
        } else {
          s.close();
          s = DurableStorage.open(dir, StorageTestSupport.smallOptions());
          check(s, m, context);
          m.term++; // a restarted node comes back in a later term
        }
      }
      s.close();
      s = DurableStorage.open(dir, StorageTestSupport.smallOptions());
      check(s, m, "seed " + seed + ", end");
    } finally {
      s.close();
    }
  }

  private static void append(DurableStorage s, Model m, int n, int op) throws IOException {
    List<Entry> batch = new ArrayList<>();
    for (int k = 1; k <= n; k++) {
      long index = m.last + k;
      String data = "e" + index + "/" + op;
      batch.add(
          Entry.newBuilder()
              .setTerm(m.term)
              .setIndex(index)
              .setData(ByteString.copyFromUtf8(data))
              .build());
      m.entries.put(index, data);
    }
    m.last += n;
    m.applied = m.last;
    s.save(hardState(m.term, 1, m.last), batch, Snapshot.getDefaultInstance());
  }

  /** A snapshot from a leader past this log: it replaces the log, as a follower's Ready does. */
  private static void receiveSnapshot(DurableStorage s, Model m, long index, int op)
      throws IOException {
    String data = "received@" + index + "/" + op;
    Snapshot snap =
        Snapshot.newBuilder()
            .setData(ByteString.copyFromUtf8(data))
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(index)
                    .setTerm(m.term)
                    .setConfState(VOTERS_1))
            .build();
    s.save(hardState(m.term, 1, index), List.of(), snap);
    m.snapshots.put(index, data);
    m.last = index;
    m.applied = index;
  }

  private static void check(DurableStorage s, Model m, String context) {
    MemoryStorage ms = s.memoryStorage();
    long snapIndex = s.snapshotAtOpen().getMetadata().getIndex();
    if (snapIndex > 0) {
      assertThat(s.snapshotAtOpen().getData().toStringUtf8())
          .as("%s: snapshot at %d", context, snapIndex)
          .isEqualTo(m.snapshots.get(snapIndex));
    }
    assertThat(ms.lastIndex()).as("%s: last index", context).isEqualTo(m.last);
    assertThat(ms.firstIndex()).as("%s: first index", context).isEqualTo(snapIndex + 1);
    for (Entry e : StorageTestSupport.allEntries(ms)) {
      assertThat(e.getData().toStringUtf8())
          .as("%s: entry %d", context, e.getIndex())
          .isEqualTo(m.entries.get(e.getIndex()));
    }
    assertThat(s.replayTargetIndex()).as("%s: commit", context).isEqualTo(m.last);
  }
}
