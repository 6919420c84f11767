package io.raftj.examples.kv.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Op counts from an event log, with writes that never completed counted as indeterminate. */
final class CountsTest {

  @Test
  void countsEachCompletion_andUncompletedWritesAsIndeterminate() {
    Recorder r = new Recorder(List.of("k"));
    long w1 = r.invoke(0, "k", true);
    r.complete(0, "k", w1, true, Outcome.ok(w1));
    long w2 = r.invoke(0, "k", true);
    r.complete(0, "k", w2, true, Outcome.fail("cannot connect: java.net.ConnectException"));
    long w3 = r.invoke(0, "k", true);
    r.complete(0, "k", w3, true, Outcome.info("504 TIMEOUT"));
    r.invoke(1, "k", true); // interrupted: never completed
    long r1 = r.invoke(2, "k", false);
    r.complete(2, "k", r1, false, Outcome.ok(w1));
    Counts c = Counts.of(r.events());
    assertThat(c).isEqualTo(new Counts(4, 1, 1, 2, 1, 1, 0, 1));
    assertThat(c.indeterminateRatio()).isEqualTo(0.5);
  }
}
