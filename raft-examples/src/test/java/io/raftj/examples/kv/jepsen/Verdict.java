package io.raftj.examples.kv.jepsen;

import io.raftj.simulation.History;
import io.raftj.simulation.Linearizability;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks over a finished run's histories: each key's history is linearizable for a register
 * ({@link Linearizability#checkRegister}), and its final read, taken after healing, loses no
 * acknowledged write ({@link LostWrites}).
 */
record Verdict(List<String> problems, int lostWrites) {

  /** {@code finalReads} maps each key to the op ID of its final read. */
  static Verdict of(Map<String, History> histories, Map<String, Long> finalReads) {
    List<String> problems = new ArrayList<>();
    int lost = 0;
    for (Map.Entry<String, History> e : histories.entrySet()) {
      String key = e.getKey();
      String why = Linearizability.checkRegister(e.getValue());
      if (why != null) {
        problems.add("key " + key + " is not linearizable: " + why);
      }
      Long fin = finalReads.get(key);
      if (fin == null) {
        problems.add("key " + key + ": no final read succeeded");
        continue;
      }
      List<Long> gone = LostWrites.find(e.getValue(), fin);
      if (!gone.isEmpty()) {
        lost += gone.size();
        problems.add(
            "key "
                + key
                + ": acknowledged writes lost "
                + gone
                + " (final read saw "
                + e.getValue().op(fin).value()
                + ")");
      }
    }
    return new Verdict(List.copyOf(problems), lost);
  }

  boolean valid() {
    return problems.isEmpty();
  }
}
