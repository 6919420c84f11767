package io.raftj.benchmarks.core;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.Node;
import io.raftj.raft.Ready;
import io.raftj.raft.Util;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Proposals through a single-voter {@link Node}: a proposer thread submits them while the benchmark
 * thread runs the host's Ready loop (append to {@link MemoryStorage}, a simulated fsync, advance)
 * until they are all committed. The Java counterpart of etcd's {@code BenchmarkOneNode}
 * (node_bench_test.go), which sleeps 1 ms per Ready as its disk sync; {@code fsyncMicros=0}
 * measures the loop and the thread hand-offs alone.
 *
 * <p>One operation is one proposal; an invocation commits {@value #BATCH} of them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NodeBenchmark {

  static final int BATCH = 1000;

  @Param({"0", "1000"})
  int fsyncMicros;

  /** {@code future}: {@link Node#propose}; {@code forget}: {@link Node#proposeAndForget}. */
  @Param({"future", "forget"})
  String api;

  private static final ByteString DATA = ByteString.copyFromUtf8("foo");

  private MemoryStorage storage;
  private Node node;
  private ExecutorService proposer;
  private long committed;
  private long applied;
  private long readys;

  @Setup
  public void setup() throws InterruptedException {
    storage = Fixtures.storageWithVoters(1);
    node = Node.restart(Fixtures.config(1, storage));
    proposer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "proposer");
              t.setDaemon(true);
              return t;
            });
    node.campaign();
    // The election's own entry at index 1 is committed by the first Readys.
    while (committed < 1) {
      handleOneReady();
    }
  }

  @TearDown
  public void tearDown() {
    proposer.shutdownNow();
    node.stop();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long proposeBatch() throws Exception {
    long target = committed + BATCH;
    CompletableFuture<CompletableFuture<Void>> last =
        CompletableFuture.supplyAsync(this::proposeAll, proposer);
    while (committed < target) {
      handleOneReady();
    }
    // Every proposal was committed, so none was dropped; this only surfaces a proposer failure.
    last.get().get();
    // Compact what was applied, as an application would, so the heap stays flat over a long run.
    storage.compact(applied);
    return committed;
  }

  /** Submits the batch; the node's bounded inbox paces the proposer. */
  private CompletableFuture<Void> proposeAll() {
    if (api.equals("forget")) {
      // A dropped proposal would never commit: proposeBatch would report no Ready for 10s.
      for (int i = 0; i < BATCH; i++) {
        node.proposeAndForget(DATA);
      }
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = null;
    for (int i = 0; i < BATCH; i++) {
      f = node.propose(DATA);
    }
    return f;
  }

  private void handleOneReady() throws InterruptedException {
    Ready rd = node.pollReady(10, TimeUnit.SECONDS);
    if (rd == null) {
      throw new IllegalStateException("no Ready for 10s at commit " + committed);
    }
    readys++;
    int n = rd.committedEntries().size();
    if (n > 0) {
      applied = rd.committedEntries().get(n - 1).getIndex();
    }
    storage.append(rd.entries());
    if (!Util.isEmptyHardState(rd.hardState())) {
      storage.setHardState(rd.hardState());
      committed = rd.hardState().getCommit();
    }
    if (fsyncMicros > 0) {
      LockSupport.parkNanos(fsyncMicros * 1000L);
    }
    node.advance();
  }

  /** For a quick manual check without JMH: prints µs per proposal and proposals per Ready. */
  public static void main(String[] args) throws Exception {
    NodeBenchmark b = new NodeBenchmark();
    b.fsyncMicros = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    b.api = args.length > 1 ? args[1] : "future";
    b.setup();
    int batches = 50;
    long readys0 = b.readys;
    long t0 = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      b.proposeBatch();
    }
    long dt = System.nanoTime() - t0;
    System.out.printf(
        "%.2f us/proposal, %.1f proposals/Ready%n",
        dt / 1e3 / (batches * BATCH), (double) (batches * BATCH) / (b.readys - readys0));
    b.tearDown();
  }
}
