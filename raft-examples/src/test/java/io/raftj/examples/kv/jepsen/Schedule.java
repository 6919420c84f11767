package io.raftj.examples.kv.jepsen;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The nemesis schedule of a run, drawn from its seed: faults separated by quiet spells. Each step
 * starts at {@code atMs} after the workload starts, holds its fault for {@code holdMs}, then heals.
 * Which node "one node" means is drawn when the step runs, from the same seed.
 */
record Schedule(List<Step> steps) {

  /** One fault: when it starts, what it is, how long it holds. */
  record Step(long atMs, Fault fault, long holdMs) {
    @Override
    public String toString() {
      return String.format("%6.1fs  %-18s for %.1fs", atMs / 1e3, fault.text, holdMs / 1e3);
    }
  }

  /**
   * Faults over {@code durationMs}: quiet for 1-3 s, a fault held 1-4 s, quiet for 2-4 s (a
   * restarted JVM needs a few seconds on a loaded machine before it can serve), and so on, ending
   * with at least a second of quiet. Single-node faults are drawn three times as often as the
   * others.
   */
  static Schedule draw(Random random, long durationMs) {
    Fault[] weighted = {
      Fault.KILL_ONE, Fault.KILL_ONE, Fault.KILL_LEADER, Fault.KILL_LEADER, Fault.KILL_MAJORITY,
      Fault.KILL_ALL, Fault.PAUSE_ONE, Fault.PAUSE_ONE, Fault.PAUSE_LEADER, Fault.PAUSE_LEADER,
      Fault.PAUSE_MAJORITY
    };
    List<Step> steps = new ArrayList<>();
    long t = 1000 + random.nextInt(2000);
    while (true) {
      long hold = 1000 + random.nextInt(3000);
      if (t + hold + 1000 > durationMs) {
        break;
      }
      steps.add(new Step(t, weighted[random.nextInt(weighted.length)], hold));
      t += hold + 2000 + random.nextInt(2000);
    }
    return new Schedule(List.copyOf(steps));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Step s : steps) {
      sb.append(s).append('\n');
    }
    return sb.toString();
  }
}
