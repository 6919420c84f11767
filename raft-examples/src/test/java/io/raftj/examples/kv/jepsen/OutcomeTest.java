package io.raftj.examples.kv.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.examples.kv.jepsen.Outcome.Kind;
import org.junit.jupiter.api.Test;

/** How answers are classified: only a promise that nothing was applied makes a write fail. */
final class OutcomeTest {

  @Test
  void write_2xx_isOk() {
    assertThat(Outcome.ofWrite(200, "{\"key\":\"k\",\"index\":7}", 42)).isEqualTo(Outcome.ok(42));
  }

  @Test
  void write_definitelyNotAppliedCodes_fail() {
    for (String code : Outcome.DEFINITELY_NOT_APPLIED) {
      String body = "{\"error\":\"no\",\"code\":\"" + code + "\",\"leader\":2}";
      assertThat(Outcome.ofWrite(503, body, 1).kind()).as(code).isEqualTo(Kind.FAIL);
    }
    assertThat(Outcome.ofWrite(413, "too large", 1).kind()).isEqualTo(Kind.FAIL);
    assertThat(Outcome.ofWrite(431, "", 1).kind()).isEqualTo(Kind.FAIL);
  }

  @Test
  void write_timeoutUnknownOrUncodedErrors_areIndeterminate() {
    assertThat(
            Outcome.ofWrite(504, "{\"error\":\"t\",\"code\":\"TIMEOUT\",\"leader\":0}", 1).kind())
        .isEqualTo(Kind.INFO);
    assertThat(
            Outcome.ofWrite(504, "{\"error\":\"u\",\"code\":\"OUTCOME_UNKNOWN\",\"leader\":1}", 1)
                .kind())
        .isEqualTo(Kind.INFO);
    assertThat(Outcome.ofWrite(503, "timed out (no leader or no quorum?)", 1).kind())
        .isEqualTo(Kind.INFO);
    assertThat(Outcome.ofWrite(500, "{\"code\":\"SOMETHING_NEW\"}", 1).kind()).isEqualTo(Kind.INFO);
  }

  @Test
  void read_valueMissingKeyAndErrors() {
    assertThat(Outcome.ofRead(200, "17")).isEqualTo(Outcome.ok(17));
    assertThat(Outcome.ofRead(404, "key not found: k")).isEqualTo(Outcome.ok(0));
    assertThat(Outcome.ofRead(200, "garbage").value()).isEqualTo(-1);
    assertThat(Outcome.ofRead(503, "{\"code\":\"NO_LEADER\"}").kind()).isEqualTo(Kind.FAIL);
  }
}
