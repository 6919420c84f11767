package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link StorageObserver} watches groups without a data directory too: their log on the heap is
 * opened empty, and each write, in the synchronous Ready cycle or not, is reported around it.
 */
class MemoryLogObserverTest {

  @Test
  void everyWriteOfALogOnTheHeapIsObserved_inBothReadyCycles() throws Exception {
    for (boolean onLoop : new boolean[] {true, false}) {
      Recorder r = new Recorder();
      SimCluster c = new SimCluster(71, null, b -> b.storageObserver(r));
      c.startAll(3, GroupOptions.of(6, 1, 2, 3).withApplyOnLoopThread(onLoop));
      long leader = c.awaitLeader(6);
      c.await(c.proposeMany(leader, 6, "m", 20), 50);
      assertThat(c.runUntil(() -> r.lastSaved(leader) >= 21, 20)).isTrue();

      assertThat(r.opened).as("applyOnLoopThread=%s", onLoop).containsExactly(6L, 6L, 6L);
      assertThat(r.unbalanced).as("every saving has its saved").isZero();
      for (long s = 1; s <= 3; s++) {
        MemoryStorage log = r.logs.get((int) s - 1);
        assertThat(log.lastIndex())
            .as("server %d: the storage it was opened with is the group's log", s)
            .isEqualTo(r.lastSaved(leader));
      }
    }
  }

  /** Records the calls; all servers of one cluster share it, told apart by the storages opened. */
  private static final class Recorder implements StorageObserver {
    final List<Long> opened = new ArrayList<>();
    final List<MemoryStorage> logs = new ArrayList<>();
    final long[] lastIndex = new long[4];
    int unbalanced;

    @Override
    public void opened(long groupId, HardState hardState, MemoryStorage log) {
      assertThat(hardState).isEqualTo(HardState.getDefaultInstance());
      opened.add(groupId);
      logs.add(log);
    }

    @Override
    public void saving(long groupId, HardState hs, List<Entry> entries, Snapshot snapshot) {
      unbalanced++;
    }

    @Override
    public void saved(long groupId, HardState hs, List<Entry> entries, Snapshot snapshot) {
      unbalanced--;
      if (!entries.isEmpty()) {
        long last = entries.get(entries.size() - 1).getIndex();
        for (int i = 0; i < logs.size(); i++) {
          if (logs.get(i).lastIndex() == last) {
            lastIndex[i + 1] = Math.max(lastIndex[i + 1], last);
          }
        }
      }
    }

    long lastSaved(long server) {
      return lastIndex[(int) server];
    }
  }
}
