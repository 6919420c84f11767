package io.raftj.benchmarks.wal;

import com.google.protobuf.CodedOutputStream;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.Wal;
import io.raftj.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code Wal.save} of a batch of entries (one fdatasync per batch, as Raft saves one Ready) next to
 * a raw loop that writes the same number of bytes with {@link FileChannel#write} and {@code
 * force(false)} into a file preallocated the same way. Like etcd's wal_bench_test.go. Score:
 * microseconds per save; divide by batch for the cost per entry.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class WalSaveBenchmark {
  @Param({"100", "1000"})
  int entrySize;

  @Param({"1", "10", "100", "1000"})
  int batch;

  /**
   * false: no fdatasync on either side, which leaves the CPU cost of framing next to a bare write.
   */
  @Param({"true"})
  boolean sync;

  Path dir;
  Wal wal;
  List<Entry> entries;
  long index;
  long commit;

  FileChannel raw;
  ByteBuffer rawBytes;
  long rawPos;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("walbench");
    wal = Wal.create(dir.resolve("wal"), null);
    if (!sync) {
      wal.setUnsafeNoFsync();
    }
    entries = WalBench.batch(batch, entrySize);
    raw =
        FileChannel.open(
            dir.resolve("raw"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    raw.write(ByteBuffer.allocate(1), WalOptions.SEGMENT_SIZE_BYTES - 1);
    raw.force(true);
    byte[] payload =
        new byte
            [savedBytes(
                entries, HardState.newBuilder().setTerm(1).setVote(1).setCommit(1).build())];
    new Random(2).nextBytes(payload);
    rawBytes = ByteBuffer.wrap(payload);
  }

  /** Bytes one save puts on disk: each record framed, with its CRC varint at full width. */
  static int savedBytes(List<Entry> es, HardState hs) {
    int n = 0;
    for (Entry e : es) {
      n += frame(e.getSerializedSize());
    }
    return n + frame(hs.getSerializedSize());
  }

  static int frame(int dataSize) {
    int rec = 2 + 6 + 1 + CodedOutputStream.computeUInt32SizeNoTag(dataSize) + dataSize;
    return 8 + rec + (8 - rec % 8) % 8;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    wal.close();
    raw.close();
    WalBench.deleteTree(dir);
  }

  @Benchmark
  public void walSave() throws IOException {
    commit += batch;
    wal.save(HardState.newBuilder().setTerm(1).setVote(1).setCommit(commit).build(), entries);
  }

  @Benchmark
  public void rawWriteForce() throws IOException {
    rawBytes.clear();
    if (rawPos + rawBytes.remaining() > WalOptions.SEGMENT_SIZE_BYTES) {
      // Start over on a fresh preallocated file, as the WAL starts each segment: overwriting
      // blocks written before would spare the file system the allocation the WAL pays for.
      raw.truncate(0);
      raw.write(ByteBuffer.allocate(1), WalOptions.SEGMENT_SIZE_BYTES - 1);
      rawPos = 0;
    }
    while (rawBytes.hasRemaining()) {
      rawPos += raw.write(rawBytes, rawPos);
    }
    if (sync) {
      raw.force(false);
    }
  }
}
