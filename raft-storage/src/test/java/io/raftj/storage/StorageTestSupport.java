package io.raftj.storage;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Builders and probes shared by the durable storage tests. */
final class StorageTestSupport {

  static final ConfState VOTERS_1 = ConfState.newBuilder().addVoters(1).build();

  private StorageTestSupport() {}

  /** Small segments, so a few hundred entries span several of them. */
  static DurableStorageOptions smallOptions() {
    return DurableStorageOptions.DEFAULT
        .withWalSegmentSizeBytes(4 * 1024)
        .withSnapshotCatchUpEntries(2)
        .withMaxSnapshotFiles(2)
        .withMaxWalSegments(1);
  }

  static Entry entry(long term, long index) {
    return Entry.newBuilder()
        .setTerm(term)
        .setIndex(index)
        .setData(ByteString.copyFromUtf8("entry-" + index))
        .build();
  }

  static List<Entry> entries(long term, long from, long to) {
    List<Entry> ents = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      ents.add(entry(term, i));
    }
    return ents;
  }

  static HardState hardState(long term, long vote, long commit) {
    return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
  }

  /**
   * A snapshot of the voters {@code VOTERS_1} at {@code index}/{@code term} holding {@code data}.
   */
  static Snapshot snapshot(long index, long term, String data) {
    return Snapshot.newBuilder()
        .setData(ByteString.copyFromUtf8(data))
        .setMetadata(
            io.raftj.raft.raftpb.SnapshotMetadata.newBuilder()
                .setIndex(index)
                .setTerm(term)
                .setConfState(VOTERS_1))
        .build();
  }

  /** Saves entries {@code from..to} at term 1 with commit {@code to}, one Ready each. */
  static void saveEach(DurableStorage s, long from, long to) throws IOException {
    for (long i = from; i <= to; i++) {
      s.save(hardState(1, 1, i), List.of(entry(1, i)), Snapshot.getDefaultInstance());
    }
  }

  /** Every entry the storage holds, first to last. */
  static List<Entry> allEntries(MemoryStorage ms) {
    if (ms.firstIndex() > ms.lastIndex()) {
      return List.of(); // only the snapshot: MemoryStorage reports that as unavailable
    }
    return ms.entries(ms.firstIndex(), ms.lastIndex() + 1, RaftConstants.NO_LIMIT);
  }

  static List<String> names(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }
}
