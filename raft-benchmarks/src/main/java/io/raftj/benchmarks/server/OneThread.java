package io.raftj.benchmarks.server;

import com.google.protobuf.UnsafeByteOperations;
import io.raftj.server.GroupOptions;
import io.raftj.server.GroupStatus;
import io.raftj.server.LocalNetwork;
import io.raftj.server.ManualScheduler;
import io.raftj.server.RaftGroup;
import io.raftj.server.RaftServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ThreeMembers} workload with the servers, the network and the driver all on this thread
 * (one {@link ManualScheduler}, virtual time standing still, so nothing ticks): the CPU time and
 * the bytes allocated per command by raft-server and raft-core alone, with no thread hand-offs and
 * unmoved by the machine's other load. Commands are counted when applied on the leader; each
 * completion proposes the next. Prints one tab-separated {@code RESULT} line per round.
 *
 * <pre>java -cp raft-benchmarks/target/benchmarks.jar io.raftj.benchmarks.server.OneThread \
 *     commands=2000000 rounds=5 inflight=64 payload=256 applyOnLoopThread=true</pre>
 *
 * <p>It uses only {@code RaftGroup.propose} and the future's completion, so it runs unchanged
 * against an older raft-server put first on the class path (for side-by-side comparisons).
 */
public final class OneThread {

  private OneThread() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        Args.parse(
            argv,
            "commands",
            "1000000",
            "warmup",
            "1000000",
            "rounds",
            "5",
            "inflight",
            "64",
            "payload",
            "256",
            "applyOnLoopThread",
            "true",
            "seed",
            "1");
    ManualScheduler scheduler = new ManualScheduler(args.integer("seed"));
    LocalNetwork network = new LocalNetwork(scheduler, 1);
    List<RaftServer> servers = new ArrayList<>();
    List<Counter> counters = new ArrayList<>();
    GroupOptions options =
        GroupOptions.of(ThreeMembers.GROUP, 1, 2, 3)
            .withApplyOnLoopThread(Boolean.parseBoolean(args.string("applyOnLoopThread")));
    for (long id = 1; id <= 3; id++) {
      RaftServer s =
          RaftServer.builder(id, network.transport(id))
              .scheduler(scheduler)
              .seed(id)
              .loopThreads(1)
              .applyThreads(1)
              .build();
      Counter c = new Counter();
      s.createGroup(options, c);
      servers.add(s);
      counters.add(c);
    }
    RaftGroup[] leader = new RaftGroup[1];
    boolean elected =
        scheduler.runUntil(
            () -> {
              for (RaftServer s : servers) {
                GroupStatus st = s.group(ThreeMembers.GROUP).status();
                if (st.isLeader() && st.applied() >= st.commit() && st.commit() > 0) {
                  leader[0] = s.group(ThreeMembers.GROUP);
                  return true;
                }
              }
              return false;
            },
            10_000_000L,
            60_000_000_000L);
    if (!elected) {
      throw new IllegalStateException("no leader");
    }
    Loop loop = new Loop(leader[0], args.integer("payload"));
    int inflight = args.integer("inflight");
    loop.run(scheduler, inflight, args.integer("warmup"));
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    for (int r = 1; r <= args.integer("rounds"); r++) {
      long n = args.integer("commands");
      long cpu0 = mx.getCurrentThreadCpuTime();
      long bytes0 = mx.getThreadAllocatedBytes(self);
      long done = loop.run(scheduler, inflight, n);
      long cpu = mx.getCurrentThreadCpuTime() - cpu0;
      long bytes = mx.getThreadAllocatedBytes(self) - bytes0;
      System.out.printf(
          "RESULT\tround=%d\tcommands=%d\tcpuUsPerCommand=%.3f\tbytesPerCommand=%.0f\tfailed=%d%n",
          r, done, cpu / 1000.0 / done, (double) bytes / done, loop.failed);
    }
    for (RaftServer s : servers) {
      s.close();
    }
    scheduler.runUntilIdle();
  }

  /** The closed loop: each completion proposes the next command, until enough have completed. */
  private static final class Loop {
    final RaftGroup leader;
    final int payload;
    long seq;
    long completed;
    long target;
    long failed;

    Loop(RaftGroup leader, int payload) {
      this.leader = leader;
      this.payload = payload;
    }

    /** Completes {@code n} more commands with {@code inflight} outstanding; returns how many. */
    long run(ManualScheduler scheduler, int inflight, long n) {
      long start = completed;
      target = completed + n;
      for (int i = 0; i < inflight; i++) {
        submit();
      }
      while (completed < target) {
        if (!scheduler.runNext()) {
          throw new IllegalStateException("stuck after " + (completed - start) + " commands");
        }
      }
      // let the last in-flight ones finish, so the next round starts from none outstanding
      scheduler.runUntilIdle();
      return completed - start;
    }

    private void submit() {
      leader
          .propose(UnsafeByteOperations.unsafeWrap(Counter.Commands.make(seq++, payload)))
          .whenComplete(
              (a, e) -> {
                if (e != null) {
                  failed++;
                }
                if (completed++ < target) {
                  submit();
                }
              });
    }
  }
}
