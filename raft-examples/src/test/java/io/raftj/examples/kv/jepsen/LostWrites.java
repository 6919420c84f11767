package io.raftj.examples.kv.jepsen;

import io.raftj.simulation.History;
import java.util.ArrayList;
import java.util.List;

/**
 * The acknowledged writes a key's final read shows lost: those that began after the write whose
 * value the final read saw had returned, so that value cannot have overwritten them. (Reading the
 * initial value after any acknowledged write loses them all.)
 */
final class LostWrites {

  private LostWrites() {}

  /**
   * Returns the op IDs of the acknowledged writes lost in {@code h}, given that {@code finalRead}
   * (an op of {@code h} that returned) ran after the cluster healed and all writers stopped.
   */
  static List<Long> find(History h, long finalRead) {
    History.Op fin = h.op(finalRead);
    if (fin == null || !fin.returned()) {
      throw new IllegalArgumentException("final read " + finalRead + " did not return");
    }
    History.Op seen = fin.value() == 0 ? null : h.op(fin.value());
    if (seen != null && !seen.isWrite()) {
      seen = null; // a value no write wrote: everything acknowledged is gone
    }
    long seenReturned = seen == null ? Long.MIN_VALUE : seen.returnedAt();
    List<Long> lost = new ArrayList<>();
    for (History.Op op : h.ops()) {
      if (op.isWrite() && op.returned() && op != seen && op.invokedAt() > seenReturned) {
        lost.add(op.id());
      }
    }
    return lost;
  }
}
