package io.raftj.benchmarks.server;

import com.google.protobuf.UnsafeByteOperations;
import io.raftj.server.GroupOptions;
import io.raftj.server.GroupStatus;
import io.raftj.server.LocalNetwork;
import io.raftj.server.RaftGroup;
import io.raftj.server.RaftServer;
import io.raftj.server.ThreadScheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Servers 1..n in this JVM on one {@link LocalNetwork}, each with its own threads (the server's
 * default {@link ThreadScheduler}), hosting groups whose every member runs a {@link Counter}. Used
 * from the driver thread only; the servers are thread-safe.
 */
final class LocalCluster implements AutoCloseable {

  private final ThreadScheduler networkScheduler = new ThreadScheduler("network");
  private final LocalNetwork network = new LocalNetwork(networkScheduler, 1);
  private final List<RaftServer> servers = new ArrayList<>();
  private final Map<Long, List<Counter>> machines = new HashMap<>();
  private final Map<Long, RaftGroup> leaders = new HashMap<>();

  /**
   * Starts {@code n} servers; with a {@code dataDir}, server i keeps its groups under {@code
   * dataDir/s<i>}, otherwise in memory. {@code tweak} adjusts each server's builder.
   */
  LocalCluster(int n, Path dataDir, UnaryOperator<RaftServer.Builder> tweak) {
    for (long id = 1; id <= n; id++) {
      RaftServer.Builder b = RaftServer.builder(id, network.transport(id)).seed(id);
      if (dataDir != null) {
        b.dataDir(dataDir.resolve("s" + id));
      }
      servers.add(tweak.apply(b).build());
    }
  }

  List<RaftServer> servers() {
    return servers;
  }

  /**
   * Creates groups {@code first .. first+count-1} on every server, each with all servers as voters.
   */
  void createGroups(long first, int count, UnaryOperator<GroupOptions> tweak) throws IOException {
    long[] ids = new long[servers.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = servers.get(i).serverId();
    }
    for (long g = first; g < first + count; g++) {
      GroupOptions options = tweak.apply(GroupOptions.of(g, ids));
      List<Counter> counters = new ArrayList<>();
      for (RaftServer s : servers) {
        Counter c = new Counter();
        s.createGroup(options, c);
        counters.add(c);
      }
      machines.put(g, counters);
    }
  }

  /**
   * Waits until every member of each group names the same leader and that member leads, for at most
   * {@code timeoutNanos} in all.
   *
   * @throws IllegalStateException if a group has no agreed leader by then
   */
  void awaitLeaders(long first, int count, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    for (long g = first; g < first + count; g++) {
      RaftGroup l;
      while ((l = agreedLeader(g)) == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("group " + g + " has no agreed leader");
        }
        Thread.sleep(1);
      }
      leaders.put(g, l);
    }
  }

  /** The leader's handle on {@code group}, found again if leadership moved; null if none. */
  RaftGroup leader(long group) {
    RaftGroup l = leaders.get(group);
    if (l != null && l.status().isLeader()) {
      return l;
    }
    l = agreedLeader(group);
    if (l != null) {
      leaders.put(group, l);
    }
    return l;
  }

  /**
   * Proposes each command on the leader of the next of groups {@code first .. first+n-1}, round
   * robin; a command for a group without a leader fails at once. For one driver thread.
   */
  ClosedLoop.Target proposer(long first, int n) {
    long[] next = {0};
    return cmd -> {
      long g = first + next[0]++ % n;
      RaftGroup l = leader(g);
      if (l == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("group " + g + " has no leader"));
      }
      // The driver allocates each command afresh and never touches it again: wrap, don't copy.
      return l.propose(UnsafeByteOperations.unsafeWrap(cmd));
    };
  }

  /** Every member's state machine of {@code group}, in server order. */
  List<Counter.State> states(long group) {
    List<Counter.State> out = new ArrayList<>();
    for (Counter c : machines.get(group)) {
      out.add(c.state());
    }
    return out;
  }

  private RaftGroup agreedLeader(long group) {
    long leader = 0;
    RaftGroup handle = null;
    for (RaftServer s : servers) {
      GroupStatus st = s.group(group).status();
      if (st == null || st.leader() == 0 || (leader != 0 && st.leader() != leader)) {
        return null;
      }
      leader = st.leader();
      if (st.isLeader()) {
        handle = s.group(group);
      }
    }
    return handle;
  }

  @Override
  public void close() {
    for (RaftServer s : servers) {
      s.close();
    }
    networkScheduler.close();
  }
}
