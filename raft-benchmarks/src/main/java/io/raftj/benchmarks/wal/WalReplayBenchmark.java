package io.raftj.benchmarks.wal;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.EntryVisitor;
import io.raftj.wal.Wal;
import io.raftj.wal.WalContents;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Replay: {@code openForRead} + {@code readAll} of a log of {@code logMB} megabytes, and the same
 * log streamed through {@code replay(visitor)}, next to a raw sequential read of the same segment
 * files. With {@code coldCache=false} both read from the page cache after the first pass; with
 * {@code coldCache=true} the page cache is dropped before every invocation (Linux, as root: {@code
 * /proc/sys/vm/drop_caches}), so both read from the disk. Score: milliseconds per full replay; MB/s
 * = logMB * 1000 / score. The retained entries of a 1 GB log need a few GB of heap, hence the
 * fork's heap settings.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class WalReplayBenchmark {
  private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

  @Param({"1024"})
  int logMB;

  @Param({"100", "1000"})
  int entrySize;

  @Param({"false"})
  boolean coldCache;

  Path dir;
  List<Path> segments;
  ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("walreplay").resolve("wal");
    byte[] data = new byte[entrySize];
    new Random(1).nextBytes(data);
    long target = (long) logMB * 1_000_000;
    long written = 0;
    long index = 0;
    try (Wal w = Wal.create(dir, null)) {
      w.setUnsafeNoFsync();
      while (written < target) {
        List<Entry> batch = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
          batch.add(
              Entry.newBuilder()
                  .setTerm(1)
                  .setIndex(++index)
                  .setData(ByteString.copyFrom(data))
                  .build());
        }
        w.save(HardState.newBuilder().setTerm(1).setVote(1).setCommit(index).build(), batch);
        written += 100L * (entrySize + 24);
      }
    }
    try (Stream<Path> s = Files.list(dir)) {
      segments = s.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
    }
  }

  @Setup(Level.Invocation)
  public void dropPageCache() throws IOException, InterruptedException {
    if (!coldCache) {
      return;
    }
    if (new ProcessBuilder("sync").inheritIO().start().waitFor() != 0) {
      throw new IOException("sync failed");
    }
    try {
      Files.writeString(DROP_CACHES, "1");
    } catch (IOException e) {
      throw new IOException("coldCache=true needs root on Linux to write " + DROP_CACHES, e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    WalBench.deleteTree(dir.getParent());
  }

  @Benchmark
  public int walReadAll() throws IOException {
    try (Wal w = Wal.openForRead(dir, Snapshot.getDefaultInstance())) {
      WalContents c = w.readAll();
      return c.entries().size();
    }
  }

  /** A streamed replay to a host that keeps its own state: here, a count and a sum of sizes. */
  @Benchmark
  public long walReplayStreamed() throws IOException {
    long[] seen = new long[2];
    try (Wal w = Wal.openForRead(dir, Snapshot.getDefaultInstance())) {
      w.replay(
          new EntryVisitor() {
            @Override
            public void append(Entry e) {
              seen[0]++;
              seen[1] += e.getData().size();
            }

            @Override
            public void truncate(long index) {
              seen[0] = index - 1;
            }
          });
    }
    return seen[0] + seen[1];
  }

  @Benchmark
  public long rawSequentialRead() throws IOException {
    long total = 0;
    for (Path p : segments) {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        long pos = 0;
        while (true) {
          buf.clear();
          int n = ch.read(buf, pos);
          if (n <= 0) {
            break;
          }
          pos += n;
          total += n;
        }
      }
    }
    return total;
  }
}
