package io.raftj.examples.kv.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.simulation.History;
import org.junit.jupiter.api.Test;

/** Which acknowledged writes a final read shows lost, and which it cannot tell about. */
final class LostWritesTest {

  private final History h = new History();

  @Test
  void concurrentWriteSeenLast_losesNothing() {
    long w1 = h.invoke(true, 1);
    long w2 = h.invoke(true, 2);
    h.returned(w2, w2);
    h.returned(w1, w1);
    long r = h.invoke(false, 3);
    h.returned(r, w1); // w1 and w2 overlapped: w1 may have been applied last
    assertThat(LostWrites.find(h, r)).isEmpty();
  }

  @Test
  void olderValueSeen_losesTheWritesBegunAfterIt() {
    long w1 = h.invoke(true, 1);
    h.returned(w1, w1);
    long w2 = h.invoke(true, 1);
    h.returned(w2, w2);
    long w3 = h.invoke(true, 1);
    h.returned(w3, w3);
    long r = h.invoke(false, 3);
    h.returned(r, w1);
    assertThat(LostWrites.find(h, r)).containsExactly(w2, w3);
  }

  @Test
  void indeterminateWriteSeen_mayHaveBeenAppliedLast() {
    long w1 = h.invoke(true, 1); // never answered
    long w2 = h.invoke(true, 1);
    h.returned(w2, w2);
    long r = h.invoke(false, 3);
    h.returned(r, w1);
    assertThat(LostWrites.find(h, r)).isEmpty();
  }
}
