package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-made histories against the register model: what is linearizable and what is not. */
final class LinearizabilityTest {

  private final History h = new History();
  private final Map<Long, Long> positions = new HashMap<>();

  private long write(long index) {
    long op = h.invoke(true, 1);
    positions.put(op, index);
    return op;
  }

  @Test
  void sequentialWritesAndReads_areLinearizable() {
    long w1 = write(3);
    h.returned(w1, 3);
    long r1 = h.invoke(false, 2);
    h.returned(r1, 3);
    long w2 = write(5);
    h.returned(w2, 5);
    long r2 = h.invoke(false, 3);
    h.returned(r2, 7);
    assertThat(Linearizability.check(h, positions)).isNull();
  }

  @Test
  void readMissingAWriteThatReturnedBeforeIt_isStale() {
    long w1 = write(3);
    h.returned(w1, 3);
    long w2 = write(4);
    h.returned(w2, 4);
    long r = h.invoke(false, 2);
    h.returned(r, 3); // saw w1 but not w2, which had returned
    assertThat(Linearizability.check(h, positions)).contains("write " + w2);
  }

  @Test
  void readConcurrentWithAWrite_maySeeEitherState() {
    long w = write(4);
    long r1 = h.invoke(false, 2);
    h.returned(r1, 3);
    long r2 = h.invoke(false, 3);
    h.returned(r2, 4);
    h.returned(w, 4);
    assertThat(Linearizability.check(h, positions)).isNull();
  }

  @Test
  void readsGoingBackInTime_areCaught() {
    long w = write(4);
    long r1 = h.invoke(false, 2);
    h.returned(r1, 4); // saw the write
    long r2 = h.invoke(false, 3);
    h.returned(r2, 3); // then a later read did not
    h.returned(w, 4);
    assertThat(Linearizability.check(h, positions)).isNotNull();
  }

  @Test
  void writesCommittedAgainstRealTimeOrder_areCaught() {
    long w1 = write(5);
    h.returned(w1, 5);
    long w2 = write(4); // started after w1 returned, yet before it in the log
    h.returned(w2, 4);
    assertThat(Linearizability.check(h, positions)).isNotNull();
  }

  @Test
  void pendingWriteNeverCommitted_isIgnored_butAnAcknowledgedOneMustBeThere() {
    h.invoke(true, 1); // pending, not in the log: fine
    assertThat(Linearizability.check(h, positions)).isNull();
    long lost = h.invoke(true, 1);
    h.returned(lost, 9);
    assertThatThrownBy(() -> Linearizability.check(h, positions))
        .isInstanceOf(SafetyViolation.class)
        .hasMessageContaining("no acknowledged write lost");
  }
}
