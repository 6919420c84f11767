package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

final class SaveCounterTest {

  @Test
  void onlyWritesWithEntries_areCounted() {
    SaveCounter c = new SaveCounter();
    HardState commitOnly = HardState.newBuilder().setTerm(2).setCommit(5).build();
    Entry e = Entry.newBuilder().setTerm(2).setIndex(6).build();
    c.saving(1, commitOnly, List.of(), Snapshot.getDefaultInstance());
    c.saved(1, commitOnly, List.of(), Snapshot.getDefaultInstance());
    assertThat(c.entrySaves()).isZero();
    c.saved(1, HardState.getDefaultInstance(), List.of(e, e), Snapshot.getDefaultInstance());
    c.saved(1, commitOnly, List.of(e), Snapshot.getDefaultInstance());
    assertThat(c.entrySaves()).isEqualTo(2);
  }
}
