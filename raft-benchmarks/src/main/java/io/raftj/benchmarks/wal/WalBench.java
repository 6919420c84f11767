package io.raftj.benchmarks.wal;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** What the WAL benchmarks share: the batch they save and the clean-up of their directories. */
final class WalBench {
  private WalBench() {}

  /** Entries 1..n at term 1, each with the same {@code size} random bytes. */
  static List<Entry> batch(int n, int size) {
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    List<Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(
          Entry.newBuilder().setTerm(1).setIndex(i + 1).setData(ByteString.copyFrom(data)).build());
    }
    return entries;
  }

  static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
