package io.raftj.storage;

import static io.raftj.storage.StorageTestSupport.VOTERS_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.wal.CrashFs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The snapshot file is durable (written, fsynced, renamed into place, its directory fsynced) before
 * the WAL writes the record that points at it, for a local snapshot and for one received from a
 * leader: a WAL record naming a missing file would make a restart fall back, and once older
 * segments are purged, lose the log (etcd#10219, raftexample#12691). Read from the order of
 * file-system calls, on the saving thread.
 */
final class SnapshotOrderTest {

  private static final Path DIR = Path.of("/order/data");

  /** Calls on the test's thread: "op path". */
  private final List<String> calls = new ArrayList<>();

  private DurableStorage open() throws IOException {
    CrashFs fs = new CrashFs();
    fs.createDirectories(DIR.getParent());
    fs.syncDir(Path.of("/"));
    TriggerFs recording = new TriggerFs(fs, 1);
    Thread me = Thread.currentThread();
    recording.crashAt(
        (op, path) -> {
          if (Thread.currentThread() == me) { // not the WAL's segment-preparing thread
            synchronized (calls) {
              calls.add(op + " " + path);
            }
          }
          return false;
        });
    return DurableStorage.open(DIR, StorageTestSupport.smallOptions().withFs(recording));
  }

  @Test
  void localSnapshot_fileIsDurableBeforeItsWalRecord() throws IOException {
    try (DurableStorage s = open()) {
      StorageTestSupport.saveEach(s, 1, 12);
      calls.clear();
      s.snapshot(10, VOTERS_1, ByteString.copyFromUtf8("local@10"));
      assertFileDurableBeforeRecord(1, 10);
    }
  }

  @Test
  void snapshotFromLeader_fileIsDurableBeforeItsWalRecord() throws IOException {
    try (DurableStorage s = open()) {
      StorageTestSupport.saveEach(s, 1, 3);
      calls.clear();
      Snapshot snap = StorageTestSupport.snapshot(50, 2, "leader@50");
      s.save(StorageTestSupport.hardState(2, 0, 50), List.of(), snap);
      assertFileDurableBeforeRecord(2, 50);
    }
  }

  private void assertFileDurableBeforeRecord(long term, long index) {
    List<String> seen;
    synchronized (calls) {
      seen = List.copyOf(calls);
    }
    String snapName = Snapshotter.snapName(term, index);
    int written = indexOf(seen, "force ", snapName + Snapshotter.TMP_SUFFIX);
    int renamed = indexOf(seen, "rename ", snapName + Snapshotter.TMP_SUFFIX);
    int dirSynced = -1;
    for (int i = renamed + 1; i < seen.size() && renamed >= 0; i++) {
      if (seen.get(i).equals("syncDir " + DIR.resolve(DurableStorage.SNAP_DIR))) {
        dirSynced = i;
        break;
      }
    }
    int firstWalWrite = -1;
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).startsWith("write ") && seen.get(i).endsWith(".wal")) {
        firstWalWrite = i;
        break;
      }
    }
    assertThat(written).as("the snapshot file is fsynced: %s", seen).isGreaterThanOrEqualTo(0);
    assertThat(renamed).as("then renamed into place: %s", seen).isGreaterThan(written);
    assertThat(dirSynced).as("then its directory fsynced: %s", seen).isGreaterThan(renamed);
    assertThat(firstWalWrite).as("the WAL record is written: %s", seen).isGreaterThanOrEqualTo(0);
    assertThat(dirSynced)
        .as("file durable before the WAL writes its record: %s", seen)
        .isLessThan(firstWalWrite);
  }

  private static int indexOf(List<String> seen, String op, String fileName) {
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).startsWith(op) && seen.get(i).endsWith("/" + fileName)) {
        return i;
      }
    }
    return -1;
  }
}
