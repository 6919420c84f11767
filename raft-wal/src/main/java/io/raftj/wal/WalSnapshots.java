package io.raftj.wal;

import io.raftj.raft.raftpb.SnapshotMetadata;

/**
 * Conversions between Raft's {@code raftpb.Snapshot} and the WAL's snapshot marker ({@code
 * walpb.Snapshot}, the record that says "a snapshot at this index and term exists"). The two
 * classes share a simple name, as they do in etcd; with these helpers code that handles Raft
 * snapshots never has to spell out {@code io.raftj.wal.walpb.Snapshot}:
 * <!-- snippet: raft-wal/src/test/java/io/raftj/wal/WalSnapshotsTest.java -->
 *
 * <pre>{@code
 * wal.saveSnapshot(WalSnapshots.marker(snapshot.getMetadata()));
 * }</pre>
 *
 * The marker is stored exactly as etcd stores it (index, term and, since etcd 3.5, the ConfState);
 * nothing here changes the format.
 */
public final class WalSnapshots {
  private WalSnapshots() {}

  /**
   * The WAL marker for a snapshot: its index, term and ConfState (when the metadata has one; the
   * WAL refuses a marker above index 0 without it).
   *
   * @param md a Raft snapshot's metadata
   * @return the marker to pass to {@link Wal#saveSnapshot} or {@link Wal#open}
   */
  public static io.raftj.wal.walpb.Snapshot marker(SnapshotMetadata md) {
    io.raftj.wal.walpb.Snapshot.Builder b =
        io.raftj.wal.walpb.Snapshot.newBuilder().setIndex(md.getIndex()).setTerm(md.getTerm());
    if (md.hasConfState()) {
      b.setConfState(md.getConfState());
    }
    return b.build();
  }

  /**
   * The marker for the start of the log, before any snapshot: where a new WAL is opened.
   *
   * @return the marker at index 0, term 0
   */
  public static io.raftj.wal.walpb.Snapshot start() {
    return Wal.EMPTY_SNAPSHOT;
  }

  /**
   * The Raft snapshot metadata a marker records (index, term, and ConfState if it has one).
   *
   * @param marker a snapshot marker read from the WAL
   * @return the metadata, without the snapshot's data, which lives in the snapshot file
   */
  public static SnapshotMetadata metadata(io.raftj.wal.walpb.Snapshot marker) {
    SnapshotMetadata.Builder b =
        SnapshotMetadata.newBuilder().setIndex(marker.getIndex()).setTerm(marker.getTerm());
    if (marker.hasConfState()) {
      b.setConfState(marker.getConfState());
    }
    return b.build();
  }
}
