package io.raftj.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link History} against a register whose state is the sequence of writes applied:
 * writes take effect in log order, and a read that saw applied index A must fall after every
 * write at or before A and before every write after A.
 *
 * <p>The order of the writes is fixed by the committed log, so the check is exact and linear
 * after sorting: every operation gets a point inside its [invoked, returned] interval, writes in
 * log order with the reads of each state between them; assigning each point greedily as early as
 * its predecessors allow finds such points whenever any exist (Wing and Gong's search collapses
 * to this when the order of writes is known). A write never returned may take effect at any
 * later time; one that never entered the committed log took no effect.
 */
public final class Linearizability {

  private Linearizability() {}

  /**
   * Returns null if the history is linearizable, else a description of the first operation that
   * cannot be placed. {@code positions} maps each committed write's op ID to the first log index
   * holding it.
   *
   * @throws SafetyViolation if an acknowledged write is not in the committed log, or was
   *     acknowledged at an index before the first that holds it
   */
  public static String check(History h, Map<Long, Long> positions) {
    List<long[]> events = new ArrayList<>(); // {position, kind (0 write, 1 read), invokedAt, returnedAt, opId}
    for (History.Op op : h.ops()) {
      if (op.isWrite()) {
        Long pos = positions.get(op.id);
        if (pos == null) {
          if (op.returned()) {
            throw new SafetyViolation("no acknowledged write lost", "acknowledged " + op + " is not in the committed log");
          }
          continue;
        }
        // A duplicated proposal may sit in the log twice, and the member may apply the first copy
        // through a snapshot: the answer then comes from a later copy.
        if (op.returned() && op.value < pos) {
          throw new SafetyViolation("no acknowledged write lost", op + " but the committed log holds it first at " + pos);
        }
        events.add(new long[] {pos, 0, op.invokedAt, op.returnedAt, op.id});
      } else if (op.returned()) {
        events.add(new long[] {op.value, 1, op.invokedAt, op.returnedAt, op.id});
      }
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long lastWrite = Long.MIN_VALUE;
    long lastRead = Long.MIN_VALUE;
    for (long[] e : events) {
      if (e[1] == 0) {
        long p = Math.max(Math.max(lastWrite, lastRead), e[2]);
        if (p > e[3]) {
          return String.format("write %d (log index %d) returned at %d, but a read that missed it, or a "
              + "write before it in the log, began only at %d: a stale read or writes out of order",
              e[4], e[0], e[3], p);
        }
        lastWrite = p;
        lastRead = Long.MIN_VALUE;
      } else {
        long p = Math.max(lastWrite, e[2]);
        if (p > e[3]) {
          return String.format("read %d saw applied index %d and returned at %d, but the writes up to "
              + "that index cannot all have taken effect before %d", e[4], e[0], e[3], p);
        }
        lastRead = Math.max(lastRead, p);
      }
    }
    return null;
  }
}
