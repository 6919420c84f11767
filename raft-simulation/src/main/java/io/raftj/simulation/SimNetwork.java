package io.raftj.simulation;

import io.raftj.raft.raftpb.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network: every message is delivered after a random delay, so messages overtake each
 * other; some are lost or delivered twice; links can be cut in one direction or both. Deterministic
 * for a given random source. Confined to the world's thread.
 */
public final class SimNetwork {

  /** Fault rates: loss and duplication probabilities, and the longest extra delay in steps. */
  public record Faults(double loss, double duplication, int maxDelay) {
    /** A healthy network: nothing lost or duplicated, delivery in the next step. */
    public static final Faults NONE = new Faults(0, 0, 0);
  }

  private record InFlight(long at, long seq, Message m) {}

  private record Link(long from, long to) {}

  private final Random random;
  private final PriorityQueue<InFlight> queue =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Set<Link> cut = new HashSet<>();
  private Faults faults = Faults.NONE;
  private final List<Message> lostSnapshots = new ArrayList<>();
  private long seq;
  private long dropped;
  private long duplicated;

  public SimNetwork(Random random) {
    this.random = random;
  }

  public void setFaults(Faults f) {
    faults = f;
  }

  public Faults faults() {
    return faults;
  }

  /** Cuts the link from {@code from} to {@code to} (one direction). */
  public void cut(long from, long to) {
    cut.add(new Link(from, to));
  }

  /** Whether messages from {@code from} to {@code to} are dropped. */
  public boolean isCut(long from, long to) {
    return cut.contains(new Link(from, to));
  }

  /** Restores every link. */
  public void healAll() {
    cut.clear();
  }

  /** Whether any link is cut. */
  public boolean isPartitioned() {
    return !cut.isEmpty();
  }

  /**
   * Sends {@code m} at step {@code now}. Returns false if it was lost at once (a cut link or random
   * loss); the caller may report that to the sender.
   */
  public boolean send(Message m, long now) {
    if (cut.contains(new Link(m.getFrom(), m.getTo())) || chance(faults.loss())) {
      dropped++;
      return false;
    }
    enqueue(m, now);
    if (chance(faults.duplication())) {
      duplicated++;
      enqueue(m, now);
    }
    return true;
  }

  private void enqueue(Message m, long now) {
    long delay = 1 + (faults.maxDelay() > 0 ? random.nextInt(faults.maxDelay() + 1) : 0);
    // a random tie-breaker reorders messages that arrive in the same step
    queue.add(
        new InFlight(
            now + delay, ((long) random.nextInt(1 << 20) << 32) | (seq++ & 0xffffffffL), m));
  }

  private boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  /**
   * The messages due at {@code now}, in delivery order. A message whose link was cut while it was
   * in flight is dropped, as a partition drops what is on the wire.
   */
  public List<Message> due(long now) {
    List<Message> out = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().at <= now) {
      Message m = queue.poll().m;
      if (cut.contains(new Link(m.getFrom(), m.getTo()))) {
        dropped++;
        if (m.getType() == io.raftj.raft.raftpb.MessageType.MsgSnap) {
          lostSnapshots.add(m);
        }
        continue;
      }
      out.add(m);
    }
    return out;
  }

  /** The snapshots lost in flight since the last call, so their senders can be told. */
  public List<Message> drainLostSnapshots() {
    List<Message> out = new ArrayList<>(lostSnapshots);
    lostSnapshots.clear();
    return out;
  }

  /** Messages in flight. */
  public int inFlight() {
    return queue.size();
  }

  public long dropped() {
    return dropped;
  }

  public long duplicated() {
    return duplicated;
  }
}
