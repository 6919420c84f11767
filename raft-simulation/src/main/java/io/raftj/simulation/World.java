package io.raftj.simulation;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.Peer;
import io.raftj.raft.RaftLogger;
import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.SnapshotMetadata;
import io.raftj.storage.DurableStorageOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated cluster, run single-threaded from a seed: every choice (faults, client operations,
 * message delays, crash images, Raft's election timeouts) comes from random sources derived from
 * the seed, so a seed replays exactly.
 *
 * <p>A run has two phases. In the faulty phase ({@link Scenario#chaosSteps()} steps) the world
 * injects the scenario's {@link Fault}s while clients write and read. Then everything heals: links
 * are restored, the network becomes reliable, crashed members restart; within {@link #HEAL_BOUND}
 * steps a leader must be elected, a new write and a read must complete, and every member of the
 * configuration must apply the write. Each step delivers due messages, ticks the clocks every
 * {@link Scenario#STEPS_PER_TICK} steps, issues client operations, lets every member do its work,
 * and runs the {@link SafetyChecker}; at the end the history is checked for linearizability.
 */
public final class World implements MemberListener {

  /** Steps allowed after the faults heal for the cluster to serve a write and a read again. */
  public static final int HEAL_BOUND = 1500;

  private final long seed;
  private final Scenario sc;
  private final Map<Fault, Random> rnd = new EnumMap<>(Fault.class);
  private final Random work;
  private final Random crashSeeds;
  private final SimNetwork net;
  private final List<Member> members = new ArrayList<>();
  private final Map<Long, Member> byId = new HashMap<>();
  private final Map<Long, String> roles = new HashMap<>();
  private final SafetyChecker checker;
  private final boolean rejoin;
  private final String replayFlags;
  private final java.util.Set<Long> removed = new java.util.HashSet<>();
  private final History history = new History();
  private final Trace trace;
  private final Stats stats = new Stats();
  private long now;

  // the liveness probe after healing
  private long probeWrite;
  private long probeWriteAt;
  private long probeRead;
  private long probeReadAt;

  /** Counts of what a run did. */
  public static final class Stats {
    /** Creates counts that are all zero. */
    public Stats() {}

    public int steps;

    /** Steps from the healing of all faults until the cluster served again. */
    public int healSteps;

    public int crashes;
    public int midWriteCrashes;
    public int restarts;
    public int partitions;
    public int clockJumps;
    public int confChanges;
    public int transfers;
    public int snapshots;
    public int writesAcked;
    public int readsServed;
    public long dropped;
    public long duplicated;
  }

  /** Makes {@link RawNodeMember}s with the {@link #settings} their scenario implies. */
  public static final MemberFactory RAW_NODE_MEMBERS = World::rawNodeMember;

  /** {@code sc} without the faults that cut a member's power. */
  private static Scenario withoutCrashes(Scenario sc) {
    EnumSet<Fault> kept = EnumSet.noneOf(Fault.class);
    kept.addAll(sc.faults());
    kept.remove(Fault.CRASH);
    kept.remove(Fault.CRASH_MID_WRITE);
    return sc.withFaults(kept);
  }

  /** A world of {@link RawNodeMember}s, keeping only the last lines of its trace. */
  public World(long seed, Scenario scenario) {
    this(seed, scenario, null, false, RAW_NODE_MEMBERS);
  }

  /**
   * A world whose members {@code factory} makes; with a {@code traceSink} every event is printed as
   * it happens, and with {@code messages} every delivered message too.
   */
  public World(
      long seed,
      Scenario scenario,
      PrintStream traceSink,
      boolean messages,
      MemberFactory factory) {
    this.seed = seed;
    this.sc = factory.survivesCrashes() ? scenario : withoutCrashes(scenario);
    this.checker = new SafetyChecker(factory.appliesEveryEntry());
    this.rejoin = factory.rejoinsAfterRemoval();
    this.replayFlags = factory.replayFlags();
    Random master = new Random(seed);
    for (Fault f : Fault.values()) {
      rnd.put(f, new Random(master.nextLong()));
    }
    this.work = new Random(master.nextLong());
    this.crashSeeds = new Random(master.nextLong());
    this.net = new SimNetwork(new Random(master.nextLong()));
    long memberSeeds = master.nextLong();
    this.trace = new Trace(traceSink, messages);
    net.setFaults(
        new SimNetwork.Faults(
            sc.has(Fault.LOSS) ? sc.loss() : 0,
            sc.has(Fault.DUPLICATION) ? sc.duplication() : 0,
            sc.has(Fault.DELAY) ? sc.maxDelay() : 0));
    List<Peer> voters = new ArrayList<>();
    for (int i = 1; i <= sc.voters(); i++) {
      voters.add(Peer.of(i));
    }
    for (long id = 1; id <= sc.members(); id++) {
      Member m =
          factory.create(
              id, id <= sc.voters() ? voters : List.of(), sc, this, memberSeeds * 31 + id);
      members.add(m);
      byId.put(id, m);
    }
    trace.add(0, "world of seed " + seed + ": " + sc);
  }

  /** The member settings a scenario implies. */
  public static RawNodeMember.Settings settings(Scenario sc, long randomSeed) {
    long snapshotEvery = sc.has(Fault.SNAPSHOT) ? 4 + new Random(randomSeed).nextInt(20) : 0;
    DurableStorageOptions storage =
        DurableStorageOptions.DEFAULT
            .withWalSegmentSizeBytes(4 * 1024)
            .withSnapshotCatchUpEntries(3)
            .withMaxSnapshotFiles(2)
            .withMaxWalSegments(1)
            .withLogger(RaftLogger.discard());
    return new RawNodeMember.Settings(
        Scenario.ELECTION_TICK,
        1,
        sc.checkQuorum(),
        sc.preVote(),
        sc.leaseReads(),
        snapshotEvery,
        storage);
  }

  private static Member rawNodeMember(
      long id, List<Peer> bootstrap, Scenario sc, MemberListener l, long seed) {
    return new RawNodeMember(id, settings(sc, seed), bootstrap, l, seed);
  }

  /**
   * Runs the world to the end.
   *
   * @return what it did
   * @throws SimulationFailure with the seed and a trace if a property broke or the code under test
   *     threw
   */
  public Stats run() {
    try {
      int end = sc.chaosSteps() + HEAL_BOUND;
      for (now = 1; now <= end; now++) {
        boolean chaos = now <= sc.chaosSteps();
        if (now == sc.chaosSteps() + 1) {
          heal();
        }
        if (chaos) {
          injectFaults();
        }
        deliver();
        if (now % Scenario.STEPS_PER_TICK == 0) {
          for (Member m : members) {
            if (m.isUp()) {
              m.tick();
            }
          }
        }
        if (chaos) {
          clients();
        } else {
          probe();
        }
        processAll();
        checker.afterStep(members);
        if (!chaos && live()) {
          break;
        }
      }
      stats.steps = (int) Math.min(now, end);
      stats.healSteps = stats.steps - sc.chaosSteps();
      if (now > end) {
        throw new SafetyViolation(
            "liveness",
            "no write and read completed within "
                + HEAL_BOUND
                + " steps after the faults healed (probe write "
                + history.op(probeWrite)
                + ", read "
                + history.op(probeRead)
                + "; "
                + describeMembers()
                + ")");
      }
      checkHistory();
      stats.dropped = net.dropped();
      stats.duplicated = net.duplicated();
      return stats;
    } catch (SafetyViolation v) {
      throw new SimulationFailure(seed, sc, now, v.property(), v, trace.lastLines(), replayFlags);
    } catch (RuntimeException e) {
      throw new SimulationFailure(seed, sc, now, "crash", e, trace.lastLines(), replayFlags);
    } finally {
      for (Member m : members) {
        try {
          m.close();
        } catch (RuntimeException ignored) {
          // the run's outcome is decided; a member that cannot close changes nothing
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // faults

  private boolean roll(Fault f, double p) {
    return rnd.get(f).nextDouble() < p && sc.has(f);
  }

  private void injectFaults() {
    if (roll(Fault.PARTITION, 0.008) || roll(Fault.ONE_WAY_PARTITION, 0.006)) {
      repartition();
    }
    if (roll(Fault.CRASH, 0.004)) {
      Member m = randomUp(rnd.get(Fault.CRASH));
      if (m != null) {
        stats.crashes++;
        trace.add(now, "crash " + m.id());
        m.crash(crashSeeds.nextLong());
      }
    }
    if (roll(Fault.CRASH_MID_WRITE, 0.004)) {
      Member m = randomUp(rnd.get(Fault.CRASH_MID_WRITE));
      if (m != null) {
        int writes = rnd.get(Fault.CRASH_MID_WRITE).nextInt(12);
        trace.add(
            now, "arm a crash of " + m.id() + " after " + writes + " more file-system writes");
        m.crashDuringWrites(writes, crashSeeds.nextLong());
      }
    }
    for (Member m : members) {
      if (!m.isUp() && rnd.get(Fault.CRASH).nextDouble() < 0.03) {
        restart(m);
      }
    }
    if (roll(Fault.CLOCK_JUMP, 0.01)) {
      Random r = rnd.get(Fault.CLOCK_JUMP);
      Member m = randomUp(r);
      if (m != null) {
        int ticks =
            sc.leaseReads()
                ? 1 + r.nextInt(sc.leaseDrift())
                : Scenario.ELECTION_TICK / 2 + r.nextInt(2 * Scenario.ELECTION_TICK);
        stats.clockJumps++;
        trace.add(now, "clock of " + m.id() + " jumps " + ticks + " ticks");
        for (int i = 0; i < ticks; i++) {
          m.tick();
        }
      }
    }
    if (roll(Fault.MEMBERSHIP, 0.01)) {
      Member leader = leaderOrNull();
      if (leader != null) {
        Membership.Change c =
            Membership.next(leader.confState(), sc.members(), rnd.get(Fault.MEMBERSHIP), removed);
        if (c != null && leader.proposeConfChange(c.change())) {
          if (!rejoin && c.removed() != 0) {
            removed.add(c.removed());
          }
          stats.confChanges++;
          trace.add(now, "leader " + leader.id() + " proposes " + c.description());
        }
      }
    }
    if (roll(Fault.LEADER_TRANSFER, 0.005)) {
      Member leader = leaderOrNull();
      if (leader != null) {
        List<Long> voters = leader.confState().getVotersList();
        long to = voters.get(rnd.get(Fault.LEADER_TRANSFER).nextInt(voters.size()));
        if (to != leader.id()) {
          stats.transfers++;
          trace.add(now, "leader " + leader.id() + " transfers leadership to " + to);
          leader.transferLeader(to);
        }
      }
    }
  }

  private void repartition() {
    Random r = rnd.get(net.isPartitioned() ? Fault.PARTITION : Fault.ONE_WAY_PARTITION);
    if (net.isPartitioned() && r.nextBoolean()) {
      net.healAll();
      trace.add(now, "partition heals");
      return;
    }
    net.healAll();
    List<Long> ids = new ArrayList<>(byId.keySet());
    ids.sort(null);
    java.util.Collections.shuffle(ids, r);
    int k = 1 + r.nextInt(ids.size() - 1);
    List<Long> a = ids.subList(0, k);
    List<Long> b = ids.subList(k, ids.size());
    boolean oneWay =
        sc.has(Fault.ONE_WAY_PARTITION) && (!sc.has(Fault.PARTITION) || r.nextBoolean());
    for (long x : a) {
      for (long y : b) {
        net.cut(x, y);
        if (!oneWay) {
          net.cut(y, x);
        }
      }
    }
    stats.partitions++;
    trace.add(
        now, "partition " + a + (oneWay ? " -> " : " | ") + b + (oneWay ? " cut one way" : ""));
  }

  private Member randomUp(Random r) {
    List<Member> up = new ArrayList<>();
    for (Member m : members) {
      if (m.isUp()) {
        up.add(m);
      }
    }
    return up.isEmpty() ? null : up.get(r.nextInt(up.size()));
  }

  private void restart(Member m) {
    stats.restarts++;
    trace.add(now, "restart " + m.id());
    m.restart();
  }

  /** The leader of the highest term among the members up, or null. */
  private Member leaderOrNull() {
    Member best = null;
    for (Member m : members) {
      if (m.isUp()
          && m.role() == StateType.STATE_LEADER
          && (best == null || m.term() > best.term())) {
        best = m;
      }
    }
    return best;
  }

  private String describeMembers() {
    StringBuilder sb = new StringBuilder();
    for (Member m : members) {
      sb.append(sb.length() == 0 ? "" : ", ").append(m.id());
      if (!m.isUp()) {
        sb.append(" down");
        continue;
      }
      sb.append(' ')
          .append(m.role())
          .append(" term ")
          .append(m.term())
          .append(" applied ")
          .append(m.applied());
      if (m.role() == StateType.STATE_LEADER) {
        sb.append(" config ")
            .append(m.confState().getVotersList())
            .append(" learners ")
            .append(m.confState().getLearnersList());
      }
    }
    return sb.toString();
  }

  private void heal() {
    net.healAll();
    net.setFaults(SimNetwork.Faults.NONE);
    trace.add(now, "faults heal: links restored, network reliable, crashed members restart");
    for (Member m : members) {
      if (!m.isUp()) {
        restart(m);
      } else {
        m.crashDuringWrites(-1, 0); // disarm
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the network and the members' work

  private void deliver() {
    for (Message m : net.drainLostSnapshots()) {
      reportSnapshot(m, false);
    }
    for (Message m : net.due(now)) {
      Member to = byId.get(m.getTo());
      if (to == null || !to.isUp()) {
        if (m.getType() == MessageType.MsgSnap) {
          reportSnapshot(m, false);
        }
        continue;
      }
      if (trace.messages()) {
        trace.add(now, "deliver " + io.raftj.raft.internal.Describe.describeMessage(m, null));
      }
      to.deliver(m);
      if (m.getType() == MessageType.MsgSnap) {
        reportSnapshot(m, true);
      }
    }
  }

  private void reportSnapshot(Message m, boolean delivered) {
    Member from = byId.get(m.getFrom());
    if (from != null && from.isUp()) {
      from.reportSnapshot(m.getTo(), delivered);
    }
  }

  private void processAll() {
    for (Member m : members) {
      if (!m.isUp()) {
        continue;
      }
      List<Message> out = m.process();
      for (Message msg : out) {
        if (!net.send(msg, now) && msg.getType() == MessageType.MsgSnap && m.isUp()) {
          m.reportSnapshot(msg.getTo(), false);
        }
      }
      if (m.isUp()) {
        String role = m.role() + " term " + m.term();
        if (!role.equals(roles.put(m.id(), role))) {
          trace.add(now, m.id() + " is " + role);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // clients

  private void clients() {
    if (work.nextDouble() < 0.12) {
      write(randomUp(work));
    }
    if (work.nextDouble() < 0.08) {
      read(randomUp(work));
    }
  }

  private long write(Member m) {
    if (m == null) {
      return 0;
    }
    long op = history.invoke(true, m.id());
    if (!m.propose(op)) {
      history.refused(op);
      return 0;
    }
    trace.add(now, "client write " + op + " on " + m.id());
    return op;
  }

  private long read(Member m) {
    if (m == null) {
      return 0;
    }
    long op = history.invoke(false, m.id());
    trace.add(now, "client read " + op + " on " + m.id());
    m.read(op);
    return op;
  }

  /** After healing: keeps one write and then one read going, retrying stragglers. */
  private void probe() {
    History.Op w = probeWrite == 0 ? null : history.op(probeWrite);
    if (w == null || (!w.returned() && now - probeWriteAt > 40)) {
      Member m = leaderOrNull() != null ? leaderOrNull() : randomUp(work);
      probeWrite = write(m);
      probeWriteAt = now;
      return;
    }
    if (!w.returned()) {
      return;
    }
    History.Op r = probeRead == 0 ? null : history.op(probeRead);
    if (r == null || (!r.returned() && now - probeReadAt > 40)) {
      probeRead = read(randomUp(work));
      probeReadAt = now;
    }
  }

  private boolean live() {
    History.Op w = probeWrite == 0 ? null : history.op(probeWrite);
    History.Op r = probeRead == 0 ? null : history.op(probeRead);
    Member leader = leaderOrNull();
    if (w == null || r == null || !w.returned() || !r.returned() || leader == null) {
      return false;
    }
    List<Long> cfg = new ArrayList<>(leader.confState().getVotersList());
    cfg.addAll(leader.confState().getLearnersList());
    for (long id : cfg) {
      Member m = byId.get(id);
      if (m == null || !m.isUp() || m.applied() < w.value) {
        return false;
      }
    }
    return true;
  }

  private void checkHistory() {
    Map<Long, Long> positions = new HashMap<>();
    for (Map.Entry<Long, Entry> e : checker.committed().entrySet()) {
      Entry ent = e.getValue();
      long op = ent.getType() == EntryType.EntryNormal ? Ops.opOf(ent.getData()) : 0;
      if (op != 0) {
        positions.putIfAbsent(op, e.getKey());
      }
    }
    String bad = Linearizability.check(history, positions);
    if (bad != null) {
      throw new SafetyViolation(
          sc.leaseReads() ? "linearizability (lease reads)" : "linearizability (ReadIndex)", bad);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // MemberListener: to the checker, the history and the trace

  @Override
  public void persisted(
      long id, HardState hs, List<Entry> entries, SnapshotMetadata snapshot, boolean mustSync) {
    checker.persisted(id, hs, entries, snapshot, mustSync);
  }

  @Override
  public void snapshotTaken(long id, long index, List<Long> writes) {
    stats.snapshots++;
    trace.add(now, id + " snapshots at " + index);
    checker.snapshotTaken(id, index, writes);
  }

  @Override
  public void writesInSnapshot(long id, boolean restored, long upTo, List<Entry> writes) {
    if (restored) {
      trace.add(now, id + " restores a snapshot holding the writes up to " + upTo);
    } else {
      stats.snapshots++;
      trace.add(now, id + " snapshots its writes up to " + upTo);
    }
    checker.writesInSnapshot(id, restored, upTo, writes);
  }

  @Override
  public void sent(long id, List<Message> messages) {
    checker.sent(id, messages);
  }

  @Override
  public void applied(long id, long term, Entry e) {
    checker.applied(id, term, e);
  }

  @Override
  public void restored(long id, SnapshotMetadata md, List<Long> writes) {
    trace.add(now, id + " restores a snapshot at " + md.getIndex());
    checker.restored(id, md, writes);
  }

  @Override
  public void writeAcked(long id, long opId, long index) {
    stats.writesAcked++;
    trace.add(now, "write " + opId + " acknowledged by " + id + " at index " + index);
    history.returned(opId, index);
  }

  @Override
  public void readServed(long id, long opId, long appliedIndex) {
    stats.readsServed++;
    trace.add(now, "read " + opId + " served by " + id + " at applied index " + appliedIndex);
    history.returned(opId, appliedIndex);
  }

  @Override
  public void crashed(long id, boolean midWrite, long inflightFirstIndex) {
    if (midWrite) {
      stats.midWriteCrashes++;
      trace.add(
          now,
          id
              + " crashed inside a write"
              + (inflightFirstIndex > 0
                  ? " (saving entries from " + inflightFirstIndex + ")"
                  : ""));
    }
    roles.remove(id);
    checker.crashed(id, midWrite, inflightFirstIndex);
  }

  @Override
  public void restarted(long id, HardState hs, MemoryStorage storage) {
    if (now > 0) {
      trace.add(
          now,
          id
              + " recovered term "
              + hs.getTerm()
              + " vote "
              + hs.getVote()
              + " commit "
              + hs.getCommit()
              + ", log "
              + storage.firstIndex()
              + ".."
              + storage.lastIndex());
    }
    checker.restarted(id, hs, storage);
  }
}
