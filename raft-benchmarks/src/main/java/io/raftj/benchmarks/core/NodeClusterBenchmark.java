package io.raftj.benchmarks.core;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.Node;
import io.raftj.raft.Ready;
import io.raftj.raft.StoppedException;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
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
 * {@link ClusterBenchmark}'s pipelined case on {@link Node}s: three members, each a Node whose host
 * runs its Ready loop (append to {@link MemoryStorage}, hand the messages to the other members'
 * {@link Node#stepAndForget}, advance). The benchmark thread proposes {@value
 * ClusterBenchmark#IN_FLIGHT} commands to the leader with {@link Node#proposeAndForget} and waits
 * until the leader's host has applied them all. One operation is one proposal.
 *
 * <p>{@code loop=thread} runs each node's loop on a thread of its own (the default); {@code
 * loop=caller} runs it in whichever calling thread finds it idle (a direct executor), so the
 * cluster needs no threads beyond the hosts'. {@code hosts=member} gives each member a host thread
 * blocking in {@link Node#ready()}; {@code hosts=shared} runs the three Ready loops in one thread
 * with {@link Node#readyAsync()}; {@code hosts=inline} runs them in the benchmark thread, between
 * its proposals. {@code loop=caller, hosts=inline} is the whole cluster on one thread, the shape of
 * {@link ClusterBenchmark}; {@code loop=caller, hosts=shared} is the shape of {@link
 * HostedClusterBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NodeClusterBenchmark {

  @Param({"256"})
  int payloadBytes;

  @Param({"thread", "caller"})
  String loop;

  @Param({"member", "shared", "inline"})
  String hosts;

  private static final int SIZE = 3;

  /** Applied entries a member keeps when it compacts. */
  private static final long KEEP = 50_000;

  private final MemoryStorage[] storages = new MemoryStorage[SIZE];
  private final Node[] nodes = new Node[SIZE];
  private final List<Thread> hostThreads = new ArrayList<>();
  private final long[] compactedTo = new long[SIZE];

  /** The last index each member's host applied; written by the hosts. */
  private final AtomicLongArray appliedBy = new AtomicLongArray(SIZE);

  private ByteString payload;

  /** Published by the leader's host, awaited by the benchmark thread. */
  private final AppliedIndex leaderApplied = new AppliedIndex();

  /** The index of the last proposal {@link #proposeWindowed} made; the benchmark thread's. */
  private long proposedUpTo;

  /** With {@code hosts=inline}: each member's outstanding Ready request. */
  private CompletableFuture<Ready>[] inlinePending;

  @Setup
  public void setup() throws InterruptedException {
    payload = ByteString.copyFrom(new byte[payloadBytes]);
    Executor executor = loop.equals("caller") ? Runnable::run : null;
    for (int i = 0; i < SIZE; i++) {
      storages[i] = Fixtures.storageWithVoters(SIZE);
      nodes[i] =
          Node.restart(
              Fixtures.config(i + 1, storages[i]).setMaxSizePerMsg(1024 * 1024),
              executor,
              Node.DEFAULT_INBOX_CAPACITY);
    }
    if (hosts.equals("inline")) {
      inlinePending = newPending();
    } else if (hosts.equals("shared")) {
      hostThreads.add(new Thread(this::sharedHost, "host"));
    } else {
      for (int i = 0; i < SIZE; i++) {
        int member = i;
        hostThreads.add(new Thread(() -> host(member), "host-" + (i + 1)));
      }
    }
    for (Thread t : hostThreads) {
      t.setDaemon(true);
      t.start();
    }
    nodes[0].campaign();
    // The new leader's empty entry at index 1 is applied once it leads.
    awaitApplied(1);
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    for (Node n : nodes) {
      n.stop();
    }
    for (Thread t : hostThreads) {
      t.join();
    }
  }

  @Benchmark
  @OperationsPerInvocation(ClusterBenchmark.IN_FLIGHT)
  public long proposePipelined() {
    long target = leaderApplied.get() + ClusterBenchmark.IN_FLIGHT;
    for (int i = 0; i < ClusterBenchmark.IN_FLIGHT; i++) {
      nodes[0].proposeAndForget(payload);
    }
    awaitApplied(target);
    return target;
  }

  /**
   * Keeps {@value ClusterBenchmark#IN_FLIGHT} proposals in flight all the time, as that many
   * clients would: each proposal waits only for a free slot (the oldest applied), not for the whole
   * batch before it. One operation is one proposal; the invocation ends when its {@value
   * ClusterBenchmark#IN_FLIGHT} proposals are made, with up to that many still in flight.
   */
  @Benchmark
  @OperationsPerInvocation(ClusterBenchmark.IN_FLIGHT)
  public long proposeWindowed() {
    if (proposedUpTo < leaderApplied.get()) {
      proposedUpTo = leaderApplied.get(); // the first invocation: the election's entry is applied
    }
    for (int i = 0; i < ClusterBenchmark.IN_FLIGHT; i++) {
      if (proposedUpTo - leaderApplied.get() >= ClusterBenchmark.IN_FLIGHT) {
        awaitApplied(proposedUpTo - ClusterBenchmark.IN_FLIGHT + 1);
      }
      nodes[0].proposeAndForget(payload);
      proposedUpTo++;
    }
    return proposedUpTo;
  }

  private void awaitApplied(long target) {
    if (inlinePending != null) {
      pumpInline(target);
      return;
    }
    leaderApplied.await(target);
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of futures
  private CompletableFuture<Ready>[] newPending() {
    CompletableFuture<Ready>[] pending = new CompletableFuture[SIZE];
    for (int i = 0; i < SIZE; i++) {
      pending[i] = requestReady(i);
    }
    return pending;
  }

  /**
   * Asks member {@code i} for its next Ready on behalf of the benchmark thread ({@code
   * hosts=inline}); with loops on threads of their own, the answer wakes the benchmark thread.
   */
  private CompletableFuture<Ready> requestReady(int i) {
    CompletableFuture<Ready> f = nodes[i].readyAsync();
    if (!f.isDone() && loop.equals("thread")) {
      Thread self = Thread.currentThread();
      f.whenComplete((rd, t) -> LockSupport.unpark(self));
    }
    return f;
  }

  /**
   * The Ready loops of all members run by the benchmark thread itself ({@code hosts=inline}). With
   * {@code loop=caller} the whole cluster runs on that one thread, as {@link ClusterBenchmark} runs
   * its RawNodes, so the two differ only in what Node adds; with {@code loop=thread} the thread
   * parks until a node's loop has a Ready for it.
   */
  private void pumpInline(long target) {
    CompletableFuture<Ready>[] pending = inlinePending;
    while (leaderApplied.get() < target) {
      boolean handled = false;
      for (int i = 0; i < SIZE; i++) {
        if (pending[i].isDone()) {
          handle(i, pending[i].join());
          pending[i] = requestReady(i);
          handled = true;
        }
      }
      if (!handled) {
        if (loop.equals("caller")) {
          throw new IllegalStateException(
              "no member has a Ready, and " + target + " is not applied");
        }
        LockSupport.park(this);
      }
    }
  }

  /** A member's Ready loop, until its node stops. */
  private void host(int i) {
    try {
      while (true) {
        handle(i, nodes[i].ready());
      }
    } catch (StoppedException | InterruptedException e) {
      // The benchmark is over.
    }
  }

  /**
   * The Ready loops of all members in one thread: it keeps a Ready request outstanding with each
   * node and parks while none has answered.
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of futures
  private void sharedHost() {
    Thread self = Thread.currentThread();
    BiConsumer<Ready, Throwable> wake = (rd, t) -> LockSupport.unpark(self);
    CompletableFuture<Ready>[] pending = new CompletableFuture[SIZE];
    for (int i = 0; i < SIZE; i++) {
      pending[i] = nodes[i].readyAsync();
      pending[i].whenComplete(wake);
    }
    while (true) {
      boolean handled = false;
      for (int i = 0; i < SIZE; i++) {
        if (pending[i].isDone()) {
          if (pending[i].isCompletedExceptionally()) {
            return; // stopped: the benchmark is over
          }
          handle(i, pending[i].join());
          pending[i] = nodes[i].readyAsync();
          pending[i].whenComplete(wake);
          handled = true;
        }
      }
      if (!handled) {
        LockSupport.park(this);
      }
    }
  }

  /** Persists a member's Ready, hands its messages to the other members, applies, advances. */
  private void handle(int i, Ready rd) {
    Node n = nodes[i];
    MemoryStorage storage = storages[i];
    if (!Util.isEmptyHardState(rd.hardState())) {
      storage.setHardState(rd.hardState());
    }
    storage.append(rd.entries());
    // Each member's messages in one hand-over, as a transport delivers what one read brought.
    List<Message> msgs = rd.messages();
    for (int to = 1; to <= SIZE; to++) {
      List<Message> toMember = null;
      for (int k = 0; k < msgs.size(); k++) {
        Message m = msgs.get(k);
        if (m.getTo() == to) {
          if (toMember == null) {
            toMember = new ArrayList<>(msgs.size());
          }
          toMember.add(m);
        }
      }
      if (toMember != null) {
        nodes[to - 1].stepAndForget(toMember);
      }
    }
    int c = rd.committedEntries().size();
    long applied = c > 0 ? rd.committedEntries().get(c - 1).getIndex() : 0;
    n.advance();
    if (c > 0) {
      appliedBy.set(i, applied);
      if (applied - compactedTo[i] >= RawNodeBenchmark.COMPACT_EVERY + KEEP) {
        // Each member compacts what it applied, as an application would, but never past what
        // every member applied: the storages hold no snapshot to send to a member that lags.
        long upTo = Math.min(applied, minApplied()) - KEEP;
        if (upTo > compactedTo[i]) {
          compactedTo[i] = upTo;
          storage.compact(upTo);
        }
      }
      if (i == 0) {
        leaderApplied.publish(applied);
      }
    }
  }

  private long minApplied() {
    long min = Long.MAX_VALUE;
    for (int j = 0; j < SIZE; j++) {
      min = Math.min(min, appliedBy.get(j));
    }
    return min;
  }

  /** For a quick manual check without JMH: {@code loop} and {@code hosts} as the arguments. */
  public static void main(String[] args) throws Exception {
    NodeClusterBenchmark b = new NodeClusterBenchmark();
    b.payloadBytes = 256;
    b.loop = args.length > 0 ? args[0] : "thread";
    b.hosts = args.length > 1 ? args[1] : "member";
    b.setup();
    int rounds = 20_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      b.proposePipelined();
    }
    long dt = System.nanoTime() - t0;
    long ops = (long) rounds * ClusterBenchmark.IN_FLIGHT;
    System.out.printf("%d ops in %.2fs: %.0f ops/s%n", ops, dt / 1e9, ops / (dt / 1e9));
    b.tearDown();
  }
}
