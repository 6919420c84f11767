package io.raftj.benchmarks.core;

import com.google.protobuf.ByteString;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * {@link ClusterBenchmark}'s pipelined case with the proposer and the cluster on two threads, as an
 * embedding of {@code RawNode} with a loop thread of its own runs it: the benchmark thread hands
 * {@value ClusterBenchmark#IN_FLIGHT} commands to a host thread through a lock-free queue and waits
 * until the leader has applied them; the host thread proposes what the queue holds, runs the three
 * RawNodes until they are quiet, publishes the leader's applied index and parks when there is
 * nothing to do. It has the thread shape of {@link NodeClusterBenchmark}'s {@code loop=caller,
 * hosts=shared}, so the two differ only in RawNode against Node, not in the hand-offs between
 * threads, which {@link ClusterBenchmark} does not pay.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HostedClusterBenchmark {

  @Param({"256"})
  int payloadBytes;

  private final ClusterBenchmark cluster = new ClusterBenchmark();
  private final ConcurrentLinkedQueue<ByteString> commands = new ConcurrentLinkedQueue<>();
  private ByteString payload;
  private Thread host;
  private volatile boolean running;

  /** Published by the host thread, awaited by the benchmark thread. */
  private final AppliedIndex leaderApplied = new AppliedIndex();

  @Setup
  public void setup() {
    cluster.payloadBytes = payloadBytes;
    cluster.setup();
    leaderApplied.publish(cluster.leaderApplied());
    payload = ByteString.copyFrom(new byte[payloadBytes]);
    running = true;
    host = new Thread(this::host, "host");
    host.setDaemon(true);
    host.start();
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    running = false;
    LockSupport.unpark(host);
    host.join();
  }

  @Benchmark
  @OperationsPerInvocation(ClusterBenchmark.IN_FLIGHT)
  public long proposePipelined() {
    long target = leaderApplied.get() + ClusterBenchmark.IN_FLIGHT;
    for (int i = 0; i < ClusterBenchmark.IN_FLIGHT; i++) {
      commands.add(payload);
      LockSupport.unpark(host);
    }
    leaderApplied.await(target);
    return target;
  }

  /** The host's loop: propose what waits, run the cluster until quiet, publish, park. */
  private void host() {
    while (running) {
      ByteString c = commands.poll();
      if (c == null) {
        LockSupport.park(this);
        continue;
      }
      do {
        cluster.proposeOnLeader(c);
      } while ((c = commands.poll()) != null);
      cluster.runUntilQuiet();
      leaderApplied.publish(cluster.leaderApplied());
    }
  }
}
