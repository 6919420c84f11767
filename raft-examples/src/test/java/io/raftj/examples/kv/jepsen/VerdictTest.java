package io.raftj.examples.kv.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.simulation.History;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checks have teeth: histories recorded as the workers record them, with a stale read, a lost
 * write or a "failed" write that took effect, are found invalid.
 */
final class VerdictTest {

  private final Recorder recorder = new Recorder(List.of("k"));

  private long write(Outcome.Kind how) {
    long id = recorder.invoke(0, "k", true);
    Outcome o =
        switch (how) {
          case OK -> Outcome.ok(id);
          case FAIL -> Outcome.fail("503 NOT_LEADER");
          case INFO -> Outcome.info("504 TIMEOUT");
        };
    recorder.complete(0, "k", id, true, o);
    return id;
  }

  private long read(long saw) {
    long id = recorder.invoke(1, "k", false);
    recorder.complete(1, "k", id, false, Outcome.ok(saw));
    return id;
  }

  private Verdict verdict(long finalRead) {
    return Verdict.of(recorder.histories(), Map.of("k", finalRead));
  }

  @Test
  void aValidHistory_passes() {
    long w1 = write(Outcome.Kind.OK);
    read(w1);
    long w2 = write(Outcome.Kind.INFO); // in doubt, then seen: it took effect
    read(w2);
    write(Outcome.Kind.FAIL);
    Verdict v = verdict(read(w2));
    assertThat(v.problems()).isEmpty();
    assertThat(v.valid()).isTrue();
  }

  @Test
  void staleRead_isNotLinearizable() {
    long w1 = write(Outcome.Kind.OK);
    long w2 = write(Outcome.Kind.OK);
    read(w1);
    Verdict v = verdict(read(w2));
    assertThat(v.valid()).isFalse();
    assertThat(v.problems()).singleElement().asString().contains("not linearizable");
    assertThat(v.lostWrites()).isZero();
  }

  @Test
  void lostWrite_finalReadMissesAnAcknowledgedWrite() {
    long w1 = write(Outcome.Kind.OK);
    long w2 = write(Outcome.Kind.OK);
    Verdict v = verdict(read(w1));
    assertThat(v.valid()).isFalse();
    assertThat(v.lostWrites()).isEqualTo(1);
    assertThat(v.problems()).anyMatch(p -> p.contains("lost [" + w2 + "]"));
  }

  @Test
  void everythingLost_finalReadSeesNoValue() {
    write(Outcome.Kind.OK);
    write(Outcome.Kind.OK);
    Verdict v = verdict(read(0));
    assertThat(v.lostWrites()).isEqualTo(2);
  }

  @Test
  void failedWriteThatTookEffect_isCaught() {
    long w1 = write(Outcome.Kind.OK);
    long failed = write(Outcome.Kind.FAIL);
    read(w1);
    Verdict v = verdict(read(failed));
    assertThat(v.valid()).isFalse();
    assertThat(v.problems()).anyMatch(p -> p.contains("no write that may have taken effect"));
  }

  @Test
  void noFinalRead_isAProblem() {
    write(Outcome.Kind.OK);
    History h = recorder.histories().get("k");
    assertThat(h.ops()).hasSize(1);
    assertThat(Verdict.of(recorder.histories(), Map.of()).problems())
        .containsExactly("key k: no final read succeeded");
  }
}
