package io.raftj.server;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Servers on one {@link ManualScheduler} and {@link LocalNetwork}: a whole cluster in the test's
 * thread, reproducible from its seed.
 */
final class SimCluster {

  static final long TICK = Duration.ofMillis(100).toNanos();

  final ManualScheduler scheduler;
  private final Scheduler serverScheduler;
  final LocalNetwork network;
  final Map<Long, RaftServer> servers = new HashMap<>();

  /** The file system each server's data directory is on, when not the real one. */
  final Map<Long, io.raftj.wal.WalFs> fs = new HashMap<>();

  final Map<Long, Map<Long, LogStateMachine>> machines = new HashMap<>();
  private final long seed;
  private final Path dataDir;
  private final Function<RaftServer.Builder, RaftServer.Builder> tweak;

  /** Applied to each server's transport when {@link #start} makes the server. */
  UnaryOperator<Transport> transports = UnaryOperator.identity();

  /** Applied to the options of every group {@link #create} makes. */
  UnaryOperator<GroupOptions> groupOptions = UnaryOperator.identity();

  SimCluster(long seed, Path dataDir) {
    this(seed, dataDir, b -> b);
  }

  /** A cluster whose servers run on {@code wrapper}, which hands its work to {@code scheduler}. */
  SimCluster(ManualScheduler scheduler, Scheduler wrapper, Path dataDir) {
    this.seed = 7;
    this.scheduler = scheduler;
    this.serverScheduler = wrapper;
    this.network = new LocalNetwork(this.scheduler, seed);
    this.dataDir = dataDir;
    this.tweak = b -> b;
  }

  SimCluster(long seed, Path dataDir, Function<RaftServer.Builder, RaftServer.Builder> tweak) {
    this.seed = seed;
    this.scheduler = new ManualScheduler(seed);
    this.serverScheduler = scheduler;
    this.network = new LocalNetwork(scheduler, seed);
    this.dataDir = dataDir;
    this.tweak = tweak;
  }

  RaftServer start(long id) {
    RaftServer.Builder b =
        RaftServer.builder(id, transports.apply(network.transport(id)))
            .scheduler(serverScheduler)
            .seed(seed * 31 + id)
            .loopThreads(2)
            .applyThreads(1);
    if (dataDir != null) {
      b.dataDir(dataDir.resolve("s" + id)).walSegmentBytes(1 << 20);
      if (fs.containsKey(id)) {
        b.fs(fs.get(id));
      }
    }
    RaftServer s = tweak.apply(b).build();
    servers.put(id, s);
    return s;
  }

  /** Starts servers 1 to {@code n}, each with a member of the group {@code options} describes. */
  SimCluster startAll(int n, GroupOptions options) throws IOException {
    for (long id = 1; id <= n; id++) {
      start(id);
      create(id, options);
    }
    return this;
  }

  /** Proposes {@code n} commands {@code prefix0, prefix1, ...} on {@code server}'s member. */
  List<CompletableFuture<Applied>> proposeMany(long server, long group, String prefix, int n) {
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(servers.get(server).group(group).propose(cmd(prefix + i)));
    }
    return fs;
  }

  RaftGroup create(long server, GroupOptions options) throws IOException {
    LogStateMachine sm = new LogStateMachine();
    machines.computeIfAbsent(server, k -> new HashMap<>()).put(options.groupId(), sm);
    return servers.get(server).createGroup(groupOptions.apply(options), sm);
  }

  LogStateMachine machine(long server, long group) {
    return machines.get(server).get(group);
  }

  /** Stops a server (its groups fail their pending operations) and takes it off the network. */
  void stop(long id) {
    CompletableFuture<Void> f = servers.remove(id).closeAsync();
    runUntil(f::isDone, 100);
  }

  /** Runs until {@code done} holds, at most {@code ticks} ticks of virtual time. */
  boolean runUntil(java.util.function.BooleanSupplier done, int ticks) {
    return scheduler.runUntil(done, TICK / 10, ticks * TICK);
  }

  void runTicks(int ticks) {
    scheduler.advance(ticks * TICK);
  }

  /** The leader of {@code group} as seen by a quorum of running members, or 0. */
  long leader(long group) {
    Map<Long, Integer> votes = new HashMap<>();
    for (RaftServer s : servers.values()) {
      RaftGroup g = s.group(group);
      if (g != null && g.status().leader() != 0) {
        votes.merge(g.status().leader(), 1, Integer::sum);
      }
    }
    for (Map.Entry<Long, Integer> e : votes.entrySet()) {
      RaftServer s = servers.get(e.getKey());
      if (s != null
          && s.group(group) != null
          && s.group(group).status().isLeader()
          && e.getValue() * 2 > members(group)) {
        return e.getKey();
      }
    }
    return 0;
  }

  private int members(long group) {
    for (RaftServer s : servers.values()) {
      RaftGroup g = s.group(group);
      if (g != null && !g.status().voters().isEmpty()) {
        return g.status().voters().size();
      }
    }
    return servers.size();
  }

  long awaitLeader(long group) {
    if (!runUntil(() -> leader(group) != 0, 200)) {
      throw new AssertionError("no leader for group " + group + " after 200 ticks");
    }
    return leader(group);
  }

  long awaitLeaderOtherThan(long group, long old) {
    if (!runUntil(() -> leader(group) != 0 && leader(group) != old, 200)) {
      throw new AssertionError("no new leader for group " + group + " after 200 ticks");
    }
    return leader(group);
  }

  static ByteString cmd(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /**
   * Runs until every future in {@code fs} is done; fails if one is still pending after {@code
   * ticks}.
   */
  void awaitDone(List<? extends CompletableFuture<?>> fs, int ticks) {
    if (!runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), ticks)) {
      throw new AssertionError("futures still pending after " + ticks + " ticks");
    }
  }

  /** Waits for every future in {@code fs} and returns their values (a failed one throws). */
  <T> List<T> await(List<CompletableFuture<T>> fs, int ticks) {
    awaitDone(fs, ticks);
    List<T> out = new ArrayList<>();
    for (CompletableFuture<T> f : fs) {
      out.add(f.getNow(null));
    }
    return out;
  }
}
