package io.raftj.benchmarks.wal;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.ForwardingWalFs;
import io.raftj.wal.Wal;
import io.raftj.wal.WalFs;
import io.raftj.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * The CPU a {@code Wal.save} spends before the kernel sees the bytes: serialising, CRC-32C, framing
 * and page buffering, over a file system that discards writes and syncs. What {@link
 * WalSaveBenchmark}'s WAL row costs above its raw row should be this, and it is far less noisy to
 * measure here than next to an fdatasync. Score: microseconds per save.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class WalEncodeBenchmark {
  @Param({"100", "1000"})
  int entrySize;

  @Param({"1000"})
  int batch;

  Path dir;
  Wal wal;
  List<Entry> entries;
  long commit;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("walencode");
    wal =
        Wal.create(
            dir.resolve("wal"), null, WalOptions.DEFAULT.withFs(new DiscardingFs(WalFs.nio())));
    entries = WalBench.batch(batch, entrySize);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    wal.close();
    WalBench.deleteTree(dir);
  }

  @Benchmark
  public void walSave() throws IOException {
    commit += batch;
    wal.save(HardState.newBuilder().setTerm(1).setVote(1).setCommit(commit).build(), entries);
  }

  /** Real directories, names and locks; file contents are dropped, so segments cost nothing. */
  static final class DiscardingFs extends ForwardingWalFs {

    DiscardingFs(WalFs real) {
      super(real);
    }

    @Override
    protected WalFile wrap(WalFile file) {
      return new Discarding(file);
    }

    @Override
    public void syncDir(Path d) {}
  }

  /** Keeps the file's path and closes it; reads, writes, sizes and syncs do nothing. */
  static final class Discarding extends ForwardingWalFs.ForwardingWalFile {

    Discarding(WalFs.WalFile file) {
      super(file);
    }

    @Override
    public int read(ByteBuffer dst, long pos) {
      return -1;
    }

    @Override
    public void write(ByteBuffer src, long pos) {
      src.position(src.limit());
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public void truncate(long size) {}

    @Override
    public void preallocate(long size) {}

    @Override
    public void force() {}
  }
}
