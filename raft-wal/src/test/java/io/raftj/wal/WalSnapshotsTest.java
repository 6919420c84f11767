package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WalSnapshotsTest {
  @TempDir Path tmp;

  @Test
  void marker_roundTripsTheMetadataWithoutItsData() {
    SnapshotMetadata md =
        SnapshotMetadata.newBuilder()
            .setIndex(7)
            .setTerm(3)
            .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2))
            .build();
    io.raftj.wal.walpb.Snapshot marker = WalSnapshots.marker(md);
    assertThat(marker.getIndex()).isEqualTo(7);
    assertThat(marker.getTerm()).isEqualTo(3);
    assertThat(marker.getConfState().getVotersList()).containsExactly(1L, 2L);
    assertThat(WalSnapshots.metadata(marker)).isEqualTo(md);
    assertThat(WalSnapshots.start())
        .isEqualTo(io.raftj.wal.walpb.Snapshot.newBuilder().setIndex(0).setTerm(0).build());
  }

  /** The class Javadoc's example, line for line (DocSnippetsTest holds the two together). */
  @Test
  void javadocExample_writesAMarkerTheWalOpensAt() throws IOException {
    Path dir = tmp.resolve("wal");
    Snapshot snapshot =
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setIndex(2)
                    .setTerm(1)
                    .setConfState(ConfState.newBuilder().addVoters(1)))
            .build();
    try (Wal wal = Wal.create(dir, null)) {
      wal.save(hs(1, 1, 2), List.of(entry(1, 1, "a"), entry(2, 1, "b")));
      wal.saveSnapshot(WalSnapshots.marker(snapshot.getMetadata()));
    }
    try (Wal w = Wal.open(dir, WalSnapshots.marker(snapshot.getMetadata()))) {
      assertThat(w.readAll().state()).isEqualTo(hs(1, 1, 2));
    }
  }
}
