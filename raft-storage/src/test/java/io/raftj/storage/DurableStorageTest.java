package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.VOTERS_1;
import static io.raftj.storage.StorageTestSupport.allEntries;
import static io.raftj.storage.StorageTestSupport.entries;
import static io.raftj.storage.StorageTestSupport.entry;
import static io.raftj.storage.StorageTestSupport.hardState;
import static io.raftj.storage.StorageTestSupport.names;
import static io.raftj.storage.StorageTestSupport.saveEach;
import static io.raftj.storage.StorageTestSupport.smallOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.SnapOutOfDateException;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.wal.Wal;
import io.raftj.wal.WalContents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write path of {@link DurableStorage}: what each call puts on disk and in memory. */
final class DurableStorageTest {

  @TempDir Path dir;

  private static Snapshot snapshotAt(long term, long index, String data) {
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8(data))
        .setMetadata(
            SnapshotMetadata.newBuilder().setTerm(term).setIndex(index).setConfState(VOTERS_1))
        .build();
  }

  @Test
  void open_newDirectory_createsWalAndSnapDirectories() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir.resolve("data"), smallOptions())) {
      assertThat(s.isRestart()).isFalse();
      assertThat(s.appliedIndex()).isZero();
      assertThat(s.snapshotAtOpen().getMetadata().getIndex()).isZero();
      assertThat(names(s.dir().resolve("wal"), ".wal"))
          .containsExactly("0000000000000000-0000000000000000.wal");
      assertThat(s.dir().resolve("snap")).isDirectory();
    }
  }

  @Test
  void open_twice_isRefusedUntilClosed() throws IOException {
    DurableStorage first = DurableStorage.open(dir, smallOptions());
    assertThatThrownBy(() -> DurableStorage.open(dir, smallOptions()))
        .isInstanceOf(DirectoryLockedException.class);
    first.close();
    first.close(); // a second close does nothing
    DurableStorage.open(dir, smallOptions()).close();
  }

  @Test
  void save_updatesMemoryStorageOnlyAfterTheWal() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      s.save(hardState(1, 1, 2), entries(1, 1, 3), Snapshot.getDefaultInstance());
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 1, 3));
      assertThat(s.memoryStorage().initialState().hardState()).isEqualTo(hardState(1, 1, 2));
    }
    // What the WAL holds on its own, read without the storage.
    Wal wal = Wal.openForRead(dir.resolve("wal"), io.raftj.wal.walpb.Snapshot.getDefaultInstance());
    try (wal) {
      WalContents c = wal.readAll();
      assertThat(c.entries()).isEqualTo(entries(1, 1, 3));
      assertThat(c.state()).isEqualTo(hardState(1, 1, 2));
    }
  }

  @Test
  void save_receivedSnapshot_writesFileThenWalRecordThenAppliesIt() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 3);
      Snapshot snap = snapshotAt(2, 20, "leader state");
      s.save(hardState(2, 0, 20), List.of(entry(2, 21)), snap);

      assertThat(names(dir.resolve("snap"), ".snap")).containsExactly(Snapshotter.snapName(2, 20));
      assertThat(Wal.validSnapshotEntries(dir.resolve("wal")))
          .extracting(io.raftj.wal.walpb.Snapshot::getIndex)
          .containsExactly(0L, 20L);
      assertThat(s.memoryStorage().snapshot().getData()).isEqualTo(snap.getData());
      assertThat(s.memoryStorage().snapshot().getMetadata().getIndex()).isEqualTo(20);
      assertThat(allEntries(s.memoryStorage())).containsExactly(entry(2, 21));
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.snapshotAtOpen().getData().toStringUtf8()).isEqualTo("leader state");
      assertThat(allEntries(s.memoryStorage())).containsExactly(entry(2, 21));
    }
  }

  @Test
  void saveStorageAppend_persistsHardStateEntriesAndSnapshot() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      Message m =
          Message.newBuilder()
              .setType(MessageType.MsgStorageAppend)
              .setTerm(3)
              .setVote(1)
              .setCommit(2)
              .addAllEntries(entries(3, 1, 2))
              .addResponses(Message.newBuilder().setType(MessageType.MsgStorageAppendResp))
              .build();
      s.saveStorageAppend(m);
      // Without term, vote and commit the message carries no hard state.
      s.saveStorageAppend(
          Message.newBuilder()
              .setType(MessageType.MsgStorageAppend)
              .addAllEntries(entries(3, 3, 3))
              .build());
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(s.hardStateAtOpen()).isEqualTo(hardState(3, 1, 2));
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(3, 1, 3));
    }
  }

  @Test
  void saveStorageAppend_otherMessage_isRejected() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThatThrownBy(
              () -> s.saveStorageAppend(Message.newBuilder().setType(MessageType.MsgApp).build()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void snapshot_compactsKeepingCatchUpEntries() throws IOException {
    try (DurableStorage s =
        DurableStorage.open(dir, smallOptions().withSnapshotCatchUpEntries(5))) {
      saveEach(s, 1, 30);
      Snapshot snap = s.snapshot(20, VOTERS_1, ByteString.copyFromUtf8("sm"));
      assertThat(snap.getMetadata().getIndex()).isEqualTo(20);
      assertThat(snap.getMetadata().getTerm()).isEqualTo(1);
      assertThat(s.memoryStorage().firstIndex()).isEqualTo(16);
      assertThat(Snapshotter.read(dir.resolve("snap").resolve(Snapshotter.snapName(1, 20))))
          .isEqualTo(snap);
      assertThatThrownBy(() -> s.snapshot(20, VOTERS_1, ByteString.EMPTY))
          .isSameAs(SnapOutOfDateException.INSTANCE);
    }
  }

  @Test
  void snapshot_reportsSaveAndPurgeToTheListener() throws IOException {
    List<String> events = new ArrayList<>();
    StorageListener listener =
        new StorageListener() {
          @Override
          public void walSaved(int entries, long bytes, boolean synced, long nanos) {
            events.add("wal " + entries + " synced=" + synced + " bytes>0=" + (bytes > 0));
          }

          @Override
          public void snapshotSaved(long index, long bytes, long fsyncNanos, long nanos) {
            events.add("snap " + index);
          }

          @Override
          public void purged(int walRemoved, int snapsRemoved, int walSegments, int snapshots) {
            events.add("purged snaps=" + snapsRemoved + " left=" + snapshots);
          }
        };
    try (DurableStorage s = DurableStorage.open(dir, smallOptions().withListener(listener))) {
      s.save(hardState(1, 1, 0), entries(1, 1, 2), Snapshot.getDefaultInstance());
      s.save(hardState(1, 1, 2), List.of(), Snapshot.getDefaultInstance()); // commit only
      s.save(hardState(2, 0, 2), List.of(), Snapshot.getDefaultInstance()); // new term
      s.snapshot(1, VOTERS_1, ByteString.EMPTY);
      s.snapshot(2, VOTERS_1, ByteString.EMPTY);
    }
    assertThat(events)
        .containsExactly(
            "wal 2 synced=true bytes>0=true",
            "wal 0 synced=false bytes>0=true",
            "wal 0 synced=true bytes>0=true",
            "snap 1",
            "purged snaps=0 left=1",
            "snap 2",
            "purged snaps=0 left=2");
  }

  @Test
  void save_reportsEachWalFsyncToTheListener() throws IOException {
    List<Long> fsyncs = new ArrayList<>();
    StorageListener listener =
        new StorageListener() {
          @Override
          public void walFsynced(long nanos) {
            fsyncs.add(nanos);
          }
        };
    try (DurableStorage s = DurableStorage.open(dir, smallOptions().withListener(listener))) {
      fsyncs.clear(); // creating the WAL syncs it
      s.save(hardState(1, 1, 0), entries(1, 1, 2), Snapshot.getDefaultInstance());
      assertThat(fsyncs).hasSize(1);
      s.save(hardState(1, 1, 2), List.of(), Snapshot.getDefaultInstance()); // commit only
      assertThat(fsyncs).hasSize(1);
      // a received snapshot: its record, then the hard state that commits it (etcd#10219)
      s.save(hardState(1, 1, 9), List.of(), snapshotAt(1, 9, "received"));
      assertThat(fsyncs).hasSize(3);
      assertThat(fsyncs).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    }
  }

  @Test
  void open_onAnotherFileSystem_keepsEverythingThereAndLocksThere() throws IOException {
    io.raftj.wal.CrashFs fs = new io.raftj.wal.CrashFs();
    Path data = Path.of("/elsewhere/data");
    DurableStorageOptions opts = smallOptions().withFs(fs);
    try (DurableStorage s = DurableStorage.open(data, opts)) {
      s.save(hardState(1, 1, 3), entries(1, 1, 3), Snapshot.getDefaultInstance());
      s.snapshot(2, VOTERS_1, ByteString.copyFromUtf8("two"));
      assertThatThrownBy(() -> DurableStorage.open(data, opts))
          .isInstanceOf(DirectoryLockedException.class);
    }
    assertThat(fs.list(data)).containsExactly("LOCK", "snap", "wal");
    assertThat(fs.list(data.resolve("snap"))).containsExactly(Snapshotter.snapName(1, 2));
    assertThat(
            Snapshotter.read(data.resolve("snap").resolve(Snapshotter.snapName(1, 2)), fs)
                .getData())
        .isEqualTo(ByteString.copyFromUtf8("two"));
    assertThat(java.nio.file.Files.exists(Path.of("/elsewhere"))).isFalse();
    try (DurableStorage s = DurableStorage.open(data, opts)) {
      assertThat(s.snapshotAtOpen().getMetadata().getIndex()).isEqualTo(2);
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 3, 3));
    }
  }

  @Test
  void save_afterAFailedWrite_isRefused() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      saveEach(s, 1, 3);
      // The WAL rejects a snapshot record without a ConfState, after the file was written.
      Snapshot noConfState =
          Snapshot.newBuilder()
              .setMetadata(SnapshotMetadata.newBuilder().setIndex(3).setTerm(1))
              .build();
      assertThatThrownBy(() -> s.save(HardState.getDefaultInstance(), List.of(), noConfState))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> saveEach(s, 4, 4))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("an earlier write failed");
    }
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      assertThat(allEntries(s.memoryStorage())).isEqualTo(entries(1, 1, 3));
    }
  }

  @Test
  void purge_keepsRetentionCounts() throws IOException {
    try (DurableStorage s = DurableStorage.open(dir, smallOptions())) {
      for (int i = 1; i <= 6; i++) {
        saveEach(s, (i - 1) * 100L + 1, i * 100L);
        s.snapshot(i * 100L, VOTERS_1, ByteString.copyFromUtf8("s" + i));
      }
      assertThat(names(dir.resolve("snap"), ".snap"))
          .containsExactly(Snapshotter.snapName(1, 500), Snapshotter.snapName(1, 600));
      // The first segment kept reaches back to the older snapshot, for a fallback.
      List<String> wals = names(dir.resolve("wal"), ".wal");
      assertThat(Long.parseUnsignedLong(wals.get(0).substring(17, 33), 16))
          .isLessThanOrEqualTo(500);
      assertThat(wals.size()).isLessThan(10);
    }
  }

  /**
   * A data directory created under parents that did not exist: every new directory is fsynced into
   * its parent, so a crash right after a synced save keeps the save, whichever unsynced directory
   * entries the crash drops.
   */
  @Test
  void open_underMissingParents_keepsAcknowledgedSavesAcrossACrash() throws IOException {
    for (long crashSeed = 0; crashSeed < 32; crashSeed++) {
      io.raftj.wal.CrashFs fs = new io.raftj.wal.CrashFs();
      Path data = Path.of("/mnt/new/deeper/data");
      DurableStorage s = DurableStorage.open(data, smallOptions().withFs(fs));
      s.save(hardState(1, 1, 1), List.of(entry(1, 1)), Snapshot.getDefaultInstance());
      io.raftj.wal.CrashFs image = fs.crash(crashSeed);
      try {
        s.close();
      } catch (IOException expected) {
        // the file system is gone
      }
      try (DurableStorage r = DurableStorage.open(data, smallOptions().withFs(image))) {
        assertThat(r.isRestart()).as("crash seed %d", crashSeed).isTrue();
        assertThat(allEntries(r.memoryStorage()))
            .as("crash seed %d", crashSeed)
            .containsExactly(entry(1, 1));
      }
    }
  }
}
