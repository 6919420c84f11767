package io.raftj.raft.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

final class ProgressMapTest {

  private static Progress probe(long next) {
    return new Progress(0, next, new Inflights(10, 0), false, true);
  }

  @Test
  void toString_sortsIdsUnsignedAndPrintsDecimal() {
    ProgressMap m = new ProgressMap();
    m.put(-1L, probe(3)); // 2^64 - 1: the largest ID, not the smallest
    m.put(10, probe(1));
    m.put(2, probe(2));
    Progress learner = probe(1);
    learner.setIsLearner(true);
    m.put(1L << 63, learner);
    assertThat(m.toString())
        .isEqualTo(
            "2: StateProbe match=0 next=2\n"
                + "10: StateProbe match=0 next=1\n"
                + "9223372036854775808: StateProbe match=0 next=1 learner\n"
                + "18446744073709551615: StateProbe match=0 next=3\n");
    assertThat(new ProgressMap().toString()).isEmpty();
  }

  @Test
  void forEach_visitsInAscendingUnsignedOrder() {
    ProgressMap m = new ProgressMap();
    for (long id : new long[] {7, -5L, 3, 1, 1L << 62, 9, 2, 8}) {
      m.put(id, probe(1));
    }
    List<String> seen = new ArrayList<>();
    m.forEach((id, pr) -> seen.add(Long.toUnsignedString(id)));
    assertThat(seen)
        .containsExactly(
            "1", "2", "3", "7", "8", "9", "4611686018427387904", "18446744073709551611");
  }

  @Test
  void put_existingId_replacesWithoutGrowing() {
    ProgressMap m = new ProgressMap();
    Progress first = probe(1);
    Progress second = probe(2);
    m.put(4, first);
    m.put(4, second);
    assertThat(m.size()).isEqualTo(1);
    assertThat(m.get(4)).isSameAs(second);
  }

  @Test
  void operations_randomSequence_matchTreeMapWithUnsignedOrder() {
    long seed = 20261125L;
    Random rnd = new Random(seed);
    ProgressMap m = new ProgressMap();
    Map<Long, Progress> model = new TreeMap<>(Long::compareUnsigned);
    for (int step = 0; step < 20_000; step++) {
      // Few distinct IDs so that puts hit existing entries and removes find something.
      long id = rnd.nextInt(24) - 12L;
      switch (rnd.nextInt(3)) {
        case 0 -> {
          Progress pr = probe(step + 1);
          m.put(id, pr);
          model.put(id, pr);
        }
        case 1 ->
            assertThat(m.remove(id)).as("seed %d step %d", seed, step).isSameAs(model.remove(id));
        default -> assertThat(m.get(id)).as("seed %d step %d", seed, step).isSameAs(model.get(id));
      }
      assertThat(m.size()).as("seed %d step %d", seed, step).isEqualTo(model.size());
    }
    int i = 0;
    for (Map.Entry<Long, Progress> e : model.entrySet()) {
      assertThat(m.idAt(i)).as("seed %d", seed).isEqualTo(e.getKey());
      assertThat(m.progressAt(i)).isSameAs(e.getValue());
      i++;
    }
  }

  @Test
  void copy_changingCopiedProgress_leavesOriginalButSharesInflights() {
    ProgressMap m = new ProgressMap();
    m.put(1, probe(5));
    ProgressMap c = m.copy();
    c.get(1).setIsLearner(true);
    c.put(2, probe(1));
    assertThat(m.get(1).isLearner()).isFalse();
    assertThat(m.containsKey(2)).isFalse();
    assertThat(c.get(1).inflights()).isSameAs(m.get(1).inflights());
  }
}
