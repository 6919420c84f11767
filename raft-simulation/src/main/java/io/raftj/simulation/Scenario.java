package io.raftj.simulation;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * The shape of one simulated world, drawn from its seed: how many members and voters, Raft's
 * options, which faults happen and how often, and how long the faulty phase lasts.
 *
 * @param members members in all (3-7); those beyond the initial voters start empty and may be added
 * @param voters initial voters (3 or 5, at most {@code members})
 * @param preVote Raft's PreVote
 * @param checkQuorum Raft's CheckQuorum (always on for lease reads)
 * @param leaseReads reads served from the leader's lease ({@code ReadOnlyLeaseBased}) instead of
 *     ReadIndex
 * @param leaseDrift in lease-read worlds, the most ticks a clock may jump ahead at once
 * @param faults the faults enabled
 * @param loss message loss probability while faults run
 * @param duplication message duplication probability while faults run
 * @param maxDelay the longest extra delay of a message, in steps
 * @param chaosSteps steps of the faulty phase; then faults heal and liveness is checked
 */
public record Scenario(
    int members,
    int voters,
    boolean preVote,
    boolean checkQuorum,
    boolean leaseReads,
    int leaseDrift,
    Set<Fault> faults,
    double loss,
    double duplication,
    int maxDelay,
    int chaosSteps) {

  /** Raft's election timeout in ticks. */
  public static final int ELECTION_TICK = 10;

  /** Steps between two ticks of every clock. */
  public static final int STEPS_PER_TICK = 2;

  public Scenario {
    faults = Set.copyOf(faults);
  }

  /** The world for {@code seed}, with every fault enabled where it makes sense. */
  public static Scenario of(long seed) {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    int members = 3 + r.nextInt(5);
    int voters = members >= 5 && r.nextBoolean() ? 5 : 3;
    boolean lease = r.nextInt(4) == 0;
    EnumSet<Fault> faults = EnumSet.allOf(Fault.class);
    if (members == voters && r.nextBoolean()) {
      faults.remove(Fault.MEMBERSHIP);
    }
    if (lease) {
      // etcd raft's leader keeps serving lease reads after it sent MsgTimeoutNow, while the
      // transferee may already lead (etcd-io/raft#99, tikv/raft-rs#234): lease worlds leave
      // transfers out, as a host using lease reads must.
      faults.remove(Fault.LEADER_TRANSFER);
    }
    boolean membership = faults.contains(Fault.MEMBERSHIP);
    // Without PreVote and CheckQuorum a removed member that never heard of its removal disrupts
    // the cluster forever (etcd's documented behaviour), so worlds that remove members use both.
    boolean preVote = membership || lease || r.nextBoolean();
    boolean checkQuorum = membership || lease || r.nextBoolean();
    return new Scenario(
        members,
        voters,
        preVote,
        checkQuorum,
        lease,
        lease ? 1 : 0,
        faults,
        r.nextDouble() * 0.15,
        r.nextDouble() * 0.08,
        1 + r.nextInt(6),
        400 + r.nextInt(600));
  }

  /** This scenario with only {@code kept} of its faults. */
  public Scenario withFaults(Set<Fault> kept) {
    return new Scenario(
        members,
        voters,
        preVote,
        checkQuorum,
        leaseReads,
        leaseDrift,
        kept,
        loss,
        duplication,
        maxDelay,
        chaosSteps);
  }

  /**
   * This scenario with lease reads whose clocks may jump up to {@code ticks} at once, and without
   * leader transfers (see {@link #of}).
   */
  public Scenario withLeaseReads(int ticks) {
    EnumSet<Fault> kept = EnumSet.noneOf(Fault.class);
    kept.addAll(faults);
    kept.remove(Fault.LEADER_TRANSFER);
    return new Scenario(
        members, voters, true, true, true, ticks, kept, loss, duplication, maxDelay, chaosSteps);
  }

  /** This scenario with a shorter faulty phase. */
  public Scenario withChaosSteps(int steps) {
    return new Scenario(
        members,
        voters,
        preVote,
        checkQuorum,
        leaseReads,
        leaseDrift,
        faults,
        loss,
        duplication,
        maxDelay,
        steps);
  }

  boolean has(Fault f) {
    return faults.contains(f);
  }

  @Override
  public String toString() {
    return String.format(
        "%d members (%d voters), preVote=%s checkQuorum=%s reads=%s, loss=%.3f dup=%.3f "
            + "maxDelay=%d, %d faulty steps, faults=%s",
        members,
        voters,
        preVote,
        checkQuorum,
        leaseReads ? "lease(drift " + leaseDrift + ")" : "ReadIndex",
        loss,
        duplication,
        maxDelay,
        chaosSteps,
        faults);
  }
}
