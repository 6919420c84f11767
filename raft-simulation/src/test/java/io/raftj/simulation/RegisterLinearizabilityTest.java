package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Linearizability#checkRegister}: hand-made histories of a register seen from outside, and a
 * seeded comparison with an exhaustive search over small random histories.
 */
final class RegisterLinearizabilityTest {

  private final History h = new History();

  private long write() {
    return h.invoke(true, 1);
  }

  private long read() {
    return h.invoke(false, 2);
  }

  @Test
  void sequentialWritesAndReads_areLinearizable() {
    long r0 = read();
    h.returned(r0, 0);
    long w1 = write();
    h.returned(w1, w1);
    long r1 = read();
    h.returned(r1, w1);
    long w2 = write();
    h.returned(w2, w2);
    long r2 = read();
    h.returned(r2, w2);
    assertThat(Linearizability.checkRegister(h)).isNull();
  }

  @Test
  void staleRead_afterANewerWriteReturned_fails() {
    long w1 = write();
    h.returned(w1, w1);
    long w2 = write();
    h.returned(w2, w2);
    long r = read();
    h.returned(r, w1);
    assertThat(Linearizability.checkRegister(h)).contains("stale read or a lost write");
  }

  @Test
  void lostWrite_finalReadSeesTheInitialValue_fails() {
    long w1 = write();
    h.returned(w1, w1);
    long last = read();
    h.returned(last, 0);
    assertThat(Linearizability.checkRegister(h)).isNotNull();
  }

  @Test
  void concurrentWrites_mayBeReadInEitherOrder() {
    long w1 = write();
    long w2 = write();
    h.returned(w2, w2);
    h.returned(w1, w1);
    long r = read();
    h.returned(r, w1);
    assertThat(Linearizability.checkRegister(h)).isNull();
  }

  @Test
  void readsFlippingBetweenTwoValues_fail() {
    long w1 = write();
    long w2 = write();
    long r1 = read();
    h.returned(r1, w1);
    long r2 = read();
    h.returned(r2, w2);
    long r3 = read();
    h.returned(r3, w1);
    h.returned(w1, w1);
    h.returned(w2, w2);
    assertThat(Linearizability.checkRegister(h)).contains("stale read");
    long r4 = read();
    h.returned(r4, w2);
    assertThat(Linearizability.checkRegister(h)).contains("overlap");
  }

  @Test
  void pendingWrite_mayTakeEffectLateOrNever() {
    long w1 = write(); // never returns
    long r1 = read();
    h.returned(r1, 0);
    long r2 = read();
    h.returned(r2, w1);
    assertThat(Linearizability.checkRegister(h)).isNull();
  }

  @Test
  void readOfARefusedWrite_fails() {
    long w1 = write();
    h.refused(w1);
    long r = read();
    h.returned(r, w1);
    assertThat(Linearizability.checkRegister(h)).contains("no write that may have taken effect");
  }

  @Test
  void readReturningBeforeItsWriteWasInvoked_fails() {
    long r = read();
    h.returned(r, r + 1);
    long w = write(); // op r + 1, invoked only after r returned its value
    h.returned(w, w);
    assertThat(Linearizability.checkRegister(h)).contains("before its write was invoked");
  }

  @Test
  void randomHistories_agreeWithAnExhaustiveSearch() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    int bad = 0;
    for (int round = 0; round < 3000; round++) {
      History hist = randomHistory(rnd);
      boolean fast = Linearizability.checkRegister(hist) == null;
      boolean slow = Exhaustive.linearizable(new ArrayList<>(hist.ops()));
      assertThat(fast).as("seed %d round %d: %s", seed, round, hist.ops()).isEqualTo(slow);
      bad += slow ? 0 : 1;
    }
    assertThat(bad).as("seed %d: the generator makes both kinds", seed).isBetween(300, 2700);
  }

  /**
   * Up to 8 ops of a register with random overlaps; reads see what a real register at a random
   * point inside their interval would, then one read in two gets a random value instead.
   */
  private static History randomHistory(Random rnd) {
    int n = 2 + rnd.nextInt(7);
    boolean[] isWrite = new boolean[n];
    double[] from = new double[n];
    double[] to = new double[n];
    double[] at = new double[n];
    boolean[] pending = new boolean[n];
    for (int i = 0; i < n; i++) {
      isWrite[i] = rnd.nextBoolean();
      from[i] = rnd.nextDouble() * 10;
      to[i] = from[i] + rnd.nextDouble() * 3;
      at[i] = from[i] + rnd.nextDouble() * (to[i] - from[i]);
      pending[i] = isWrite[i] && rnd.nextInt(5) == 0;
    }
    // Events in time order: {time, op, 0 invoke / 1 return}.
    List<double[]> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new double[] {from[i], i, 0});
      if (!pending[i]) {
        events.add(new double[] {to[i], i, 1});
      }
    }
    events.sort((a, b) -> Double.compare(a[0], b[0]));
    long[] ids = new long[n]; // History numbers ops in invocation order
    long next = 1;
    for (double[] e : events) {
      if (e[2] == 0) {
        ids[(int) e[1]] = next++;
      }
    }
    boolean[] takesEffect = new boolean[n];
    for (int i = 0; i < n; i++) {
      takesEffect[i] = isWrite[i] && (!pending[i] || rnd.nextBoolean());
      if (pending[i]) {
        at[i] = from[i] + rnd.nextDouble() * 6; // a write in doubt may take effect late
      }
    }
    History out = new History();
    for (double[] e : events) {
      int i = (int) e[1];
      if (e[2] == 0) {
        out.invoke(isWrite[i], 1);
      } else {
        out.returned(ids[i], isWrite[i] ? ids[i] : valueAt(at[i], at, ids, takesEffect));
      }
    }
    for (int i = 0; i < n; i++) {
      if (!isWrite[i] && rnd.nextBoolean()) {
        History.Op op = out.op(ids[i]);
        op.value = rnd.nextInt(n + 1);
      }
    }
    return out;
  }

  /** The value a register holds at time t: the last write (taking effect) before t, or 0. */
  private static long valueAt(double t, double[] at, long[] ids, boolean[] takesEffect) {
    long v = 0;
    double best = -1;
    for (int i = 0; i < at.length; i++) {
      if (takesEffect[i] && at[i] < t && at[i] > best) {
        best = at[i];
        v = ids[i];
      }
    }
    return v;
  }

  /**
   * Wing and Gong's search, memoised on (ops done, register value): exponential, for tests only.
   */
  static final class Exhaustive {
    private final List<History.Op> ops;
    private final Set<String> seen = new HashSet<>();

    private Exhaustive(List<History.Op> ops) {
      this.ops = ops;
    }

    static boolean linearizable(List<History.Op> ops) {
      return new Exhaustive(ops).search(0, 0);
    }

    private boolean search(int done, long value) {
      boolean allReturnedDone = true;
      for (int i = 0; i < ops.size(); i++) {
        if ((done & (1 << i)) == 0 && (ops.get(i).returned())) {
          allReturnedDone = false;
        }
      }
      if (allReturnedDone) {
        return true;
      }
      if (!seen.add(done + ":" + value)) {
        return false;
      }
      for (int i = 0; i < ops.size(); i++) {
        History.Op op = ops.get(i);
        if ((done & (1 << i)) != 0 || !minimal(done, op) || (!op.isWrite() && !op.returned())) {
          continue;
        }
        if (op.isWrite()) {
          if (search(done | (1 << i), op.id())) {
            return true;
          }
        } else if (op.value() == value && search(done | (1 << i), value)) {
          return true;
        }
      }
      return false;
    }

    /** No op still to be placed returned before {@code op} was invoked. */
    private boolean minimal(int done, History.Op op) {
      for (int j = 0; j < ops.size(); j++) {
        if ((done & (1 << j)) == 0 && ops.get(j).returnedAt() < op.invokedAt()) {
          return false;
        }
      }
      return true;
    }
  }
}
