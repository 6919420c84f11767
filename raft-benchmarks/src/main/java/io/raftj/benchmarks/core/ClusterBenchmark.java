package io.raftj.benchmarks.core;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.StateType;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.Message;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 3-member cluster of {@link RawNode}s with {@link MemoryStorage}, stepped in one thread with
 * messages delivered in memory: {@code proposeCommitApply} proposes one command on the leader and
 * runs the cluster until the command is committed by a quorum and handed to the leader's state
 * machine to apply; {@code proposePipelined} does the same with {@value #IN_FLIGHT} commands in
 * flight together, {@code proposeBatched} with them in one batch proposal. No fsync, no network:
 * this measures the state machines and the Ready cycle alone. {@link NodeClusterBenchmark} is the
 * same cluster on {@link io.raftj.raft.Node}s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClusterBenchmark {

  @Param({"256"})
  int payloadBytes;

  private static final int SIZE = 3;

  /** Proposals in flight together in the pipelined variants. */
  static final int IN_FLIGHT = 64;

  private final MemoryStorage[] storages = new MemoryStorage[SIZE];
  private final RawNode[] nodes = new RawNode[SIZE];
  private final ArrayDeque<Message> inflight = new ArrayDeque<>();
  private ByteString payload;
  private List<ByteString> batch;
  private long leaderApplied;

  @Setup
  public void setup() {
    payload = ByteString.copyFrom(new byte[payloadBytes]);
    batch = Collections.nCopies(IN_FLIGHT, payload);
    for (int i = 0; i < SIZE; i++) {
      storages[i] = Fixtures.storageWithVoters(SIZE);
      nodes[i] = new RawNode(Fixtures.config(i + 1, storages[i]).setMaxSizePerMsg(1024 * 1024));
    }
    nodes[0].campaign();
    stabilize();
    if (nodes[0].basicStatus().raftState() != StateType.STATE_LEADER) {
      throw new IllegalStateException("node 1 did not become leader");
    }
  }

  @Benchmark
  public long proposeCommitApply() {
    long before = leaderApplied;
    nodes[0].propose(payload);
    stabilize();
    if (leaderApplied != before + 1) {
      throw new IllegalStateException("did not apply: " + leaderApplied + " after " + before);
    }
    // Compact now and then, as an application would, so the heap stays flat over a long run.
    // Every member has the entry by now: the cluster is quiet after stabilize.
    if (leaderApplied % RawNodeBenchmark.COMPACT_EVERY == 0) {
      for (MemoryStorage s : storages) {
        s.compact(leaderApplied);
      }
    }
    return leaderApplied;
  }

  /**
   * {@value #IN_FLIGHT} proposals, each its own {@code propose} call as from as many clients, in
   * flight together; the invocation ends when the leader has applied them all. One operation is one
   * proposal.
   */
  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public long proposePipelined() {
    long before = leaderApplied;
    for (int i = 0; i < IN_FLIGHT; i++) {
      nodes[0].propose(payload);
    }
    return commitAndCompact(before);
  }

  /** As {@link #proposePipelined}, with the {@value #IN_FLIGHT} commands in one batch proposal. */
  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public long proposeBatched() {
    long before = leaderApplied;
    nodes[0].propose(batch);
    return commitAndCompact(before);
  }

  private long commitAndCompact(long before) {
    runUntilQuiet();
    if (leaderApplied != before + IN_FLIGHT) {
      throw new IllegalStateException("did not apply: " + leaderApplied + " after " + before);
    }
    return leaderApplied;
  }

  /** Proposes one command on the leader ({@link HostedClusterBenchmark}'s host thread does). */
  void proposeOnLeader(ByteString command) {
    nodes[0].propose(command);
  }

  /** The index of the last entry the leader applied. */
  long leaderApplied() {
    return leaderApplied;
  }

  /**
   * Runs the cluster until it is quiet, then compacts every member's log when the leader's applied
   * index crossed a multiple of {@link RawNodeBenchmark#COMPACT_EVERY}, as an application would.
   * Every member has every entry once the cluster is quiet.
   */
  void runUntilQuiet() {
    long before = leaderApplied;
    stabilize();
    if (leaderApplied / RawNodeBenchmark.COMPACT_EVERY != before / RawNodeBenchmark.COMPACT_EVERY) {
      for (MemoryStorage s : storages) {
        s.compact(leaderApplied);
      }
    }
  }

  /** Runs Ready cycles and delivers messages until the cluster is quiet. */
  private void stabilize() {
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < SIZE; i++) {
        RawNode rn = nodes[i];
        while (rn.hasReady()) {
          progress = true;
          Ready rd = rn.ready();
          if (!Util.isEmptyHardState(rd.hardState())) {
            storages[i].setHardState(rd.hardState());
          }
          storages[i].append(rd.entries());
          inflight.addAll(rd.messages());
          int n = rd.committedEntries().size();
          if (i == 0 && n > 0) {
            leaderApplied = rd.committedEntries().get(n - 1).getIndex();
          }
          rn.advance(rd);
        }
      }
      Message m;
      while ((m = inflight.poll()) != null) {
        progress = true;
        nodes[(int) m.getTo() - 1].step(m);
      }
    }
  }

  /** For a quick manual check without JMH. */
  public static void main(String[] args) {
    ClusterBenchmark b = new ClusterBenchmark();
    b.payloadBytes = 256;
    b.setup();
    long t0 = System.nanoTime();
    int ops = 200_000;
    for (int i = 0; i < ops; i++) {
      b.proposeCommitApply();
    }
    long dt = System.nanoTime() - t0;
    System.out.printf("%d ops in %.2fs: %.0f ops/s%n", ops, dt / 1e9, ops / (dt / 1e9));
  }
}
