package io.raftj.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link History} against a register whose state is the sequence of writes applied: writes
 * take effect in log order, and a read that saw applied index A must fall after every write at or
 * before A and before every write after A.
 *
 * <p>The order of the writes is fixed by the committed log, so the check is exact and linear after
 * sorting: every operation gets a point inside its [invoked, returned] interval, writes in log
 * order with the reads of each state between them; assigning each point greedily as early as its
 * predecessors allow finds such points whenever any exist (Wing and Gong's search collapses to this
 * when the order of writes is known). A write never returned may take effect at any later time; one
 * that never entered the committed log took no effect.
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
    List<long[]> events =
        new ArrayList<>(); // {position, kind (0 write, 1 read), invokedAt, returnedAt, opId}
    for (History.Op op : h.ops()) {
      if (op.isWrite()) {
        Long pos = positions.get(op.id);
        if (pos == null) {
          if (op.returned()) {
            throw new SafetyViolation(
                "no acknowledged write lost",
                "acknowledged " + op + " is not in the committed log");
          }
          continue;
        }
        // A duplicated proposal may sit in the log twice, and the member may apply the first copy
        // through a snapshot: the answer then comes from a later copy.
        if (op.returned() && op.value < pos) {
          throw new SafetyViolation(
              "no acknowledged write lost", op + " but the committed log holds it first at " + pos);
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
          return String.format(
              "write %d (log index %d) returned at %d, but a read that missed it, or a "
                  + "write before it in the log, began only at %d: a stale read or writes out of order",
              e[4], e[0], e[3], p);
        }
        lastWrite = p;
        lastRead = Long.MIN_VALUE;
      } else {
        long p = Math.max(lastWrite, e[2]);
        if (p > e[3]) {
          return String.format(
              "read %d saw applied index %d and returned at %d, but the writes up to "
                  + "that index cannot all have taken effect before %d",
              e[4], e[0], e[3], p);
        }
        lastRead = Math.max(lastRead, p);
      }
    }
    return null;
  }

  /**
   * Returns null if the history is linearizable for a register observed from outside, where the
   * order of the writes is not known; else a description of the conflict. Each write writes a value
   * of its own, its op ID; a read returns the op ID of the write whose value it saw, or 0 for the
   * initial value. A write that never returned may have taken effect at any later time or never;
   * {@link History#refused} ops took no effect, so a read that saw one fails the check.
   *
   * <p>With the write behind every read known, the check is polynomial (Gibbons and Korach,
   * "Testing shared memories", 1997): group each write with the reads of its value; the group's
   * zone runs from the earliest return to the latest invocation among them (a forward zone) or,
   * when every return comes after every invocation, the other way round (a backward zone). The
   * history is linearizable if and only if no read returns before its write was invoked, no two
   * forward zones overlap and no backward zone lies inside a forward one.
   */
  public static String checkRegister(History h) {
    Map<Long, History.Op> writes = new HashMap<>();
    for (History.Op op : h.ops()) {
      if (op.isWrite()) {
        writes.put(op.id(), op);
      }
    }
    // The initial value: a write that returned before anything was invoked.
    Map<Long, long[]> zones = new HashMap<>(); // value -> {earliest return, latest invocation}
    zones.put(0L, new long[] {0, 0});
    for (History.Op op : h.ops()) {
      if (op.isWrite() || !op.returned()) {
        continue;
      }
      long v = op.value();
      History.Op w = writes.get(v);
      if (v != 0 && w == null) {
        return "read "
            + op.id()
            + " returned "
            + v
            + ", which no write that may have taken effect wrote: "
            + op;
      }
      if (w != null && op.returnedAt() < w.invokedAt()) {
        return "read "
            + op.id()
            + " returned "
            + v
            + " before its write was invoked: "
            + op
            + " vs "
            + w;
      }
      long[] z = zones.computeIfAbsent(v, k -> new long[] {w.returnedAt(), w.invokedAt()});
      z[0] = Math.min(z[0], op.returnedAt());
      z[1] = Math.max(z[1], op.invokedAt());
    }
    for (History.Op w : writes.values()) {
      if (w.returned()) { // a pending write nobody read may never have taken effect
        zones.putIfAbsent(w.id(), new long[] {w.returnedAt(), w.invokedAt()});
      }
    }
    List<long[]> forward = new ArrayList<>(); // {from, to, value}
    List<long[]> backward = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : zones.entrySet()) {
      long[] z = e.getValue();
      if (z[0] < z[1]) {
        forward.add(new long[] {z[0], z[1], e.getKey()});
      } else {
        backward.add(new long[] {z[1], z[0], e.getKey()});
      }
    }
    forward.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < forward.size(); i++) {
      long[] prev = forward.get(i - 1);
      long[] cur = forward.get(i);
      if (cur[0] < prev[1]) {
        return String.format(
            "the values of writes %d and %d were each seen across spans that overlap "
                + "(zones [%d, %d] and [%d, %d]): no order of the two writes explains the reads",
            prev[2], cur[2], prev[0], prev[1], cur[0], cur[1]);
      }
    }
    for (long[] b : backward) {
      long[] f = lastStartingBefore(forward, b[0]);
      if (f != null && b[1] < f[1]) {
        return String.format(
            "write %d was overwritten while the value of write %d was still read "
                + "after it (zone [%d, %d] inside [%d, %d]): a stale read or a lost write",
            b[2], f[2], b[0], b[1], f[0], f[1]);
      }
    }
    return null;
  }

  /**
   * The forward zone starting last before {@code t}: the only one that may contain a zone from t.
   */
  private static long[] lastStartingBefore(List<long[]> forward, long t) {
    int lo = 0;
    int hi = forward.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (forward.get(mid)[0] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? null : forward.get(lo - 1);
  }
}
