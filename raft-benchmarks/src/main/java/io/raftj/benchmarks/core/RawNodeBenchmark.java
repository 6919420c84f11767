package io.raftj.benchmarks.core;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One proposal through a {@link RawNode} with {@link MemoryStorage}: propose, take the Ready,
 * append its entries and set its hard state, acknowledge the appends of simulated followers,
 * advance, until the entry is committed and handed out to apply. The Java counterpart of etcd's
 * {@code BenchmarkRawNode} (rawnode_test.go): {@code voters=1} is its single-voter case, {@code
 * voters=2} its two-voter case, where the second voter's acks are forged from the leader's MsgApp.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RawNodeBenchmark {

  @Param({"1", "2"})
  int voters;

  /** Applied entries between log compactions. */
  static final long COMPACT_EVERY = 10_000;

  private static final ByteString DATA = ByteString.copyFromUtf8("foo");

  private MemoryStorage storage;
  private RawNode rn;
  private long applied;

  @Setup
  public void setup() {
    storage = Fixtures.storageWithVoters(voters);
    rn = new RawNode(Fixtures.config(1, storage));
    rn.campaign();
    stabilize();
  }

  @Benchmark
  public long proposeAndCommit() {
    long before = applied;
    rn.propose(DATA);
    stabilize();
    if (applied != before + 1) {
      throw new IllegalStateException("did not apply: " + applied + " after " + before);
    }
    // Compact now and then, as an application would, so the heap stays flat over a long run.
    if (applied % COMPACT_EVERY == 0) {
      storage.compact(applied);
    }
    return applied;
  }

  /** Processes Readys until there are none, answering votes and appends for the other voter. */
  private void stabilize() {
    while (rn.hasReady()) {
      Ready rd = rn.ready();
      int n = rd.committedEntries().size();
      if (n > 0) {
        applied = rd.committedEntries().get(n - 1).getIndex();
      }
      if (!Util.isEmptyHardState(rd.hardState())) {
        storage.setHardState(rd.hardState());
      }
      storage.append(rd.entries());
      for (Message m : rd.messages()) {
        if (m.getType() == MessageType.MsgVote) {
          rn.step(
              Message.newBuilder()
                  .setTo(m.getFrom())
                  .setFrom(m.getTo())
                  .setTerm(m.getTerm())
                  .setType(MessageType.MsgVoteResp)
                  .build());
        } else if (m.getType() == MessageType.MsgApp) {
          long idx = m.getIndex();
          int k = m.getEntriesCount();
          if (k > 0) {
            idx = m.getEntries(k - 1).getIndex();
          }
          rn.step(
              Message.newBuilder()
                  .setTo(m.getFrom())
                  .setFrom(m.getTo())
                  .setType(MessageType.MsgAppResp)
                  .setTerm(m.getTerm())
                  .setIndex(idx)
                  .build());
        }
      }
      rn.advance(rd);
    }
  }
}
