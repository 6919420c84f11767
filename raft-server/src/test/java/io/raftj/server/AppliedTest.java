package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppliedTest {

  @Test
  void anOutcomeMadeOutsideTheRuntime_comparesByValue() {
    Applied a = Applied.of(7, 2, "ok");
    assertThat(a.index()).isEqualTo(7);
    assertThat(a.term()).isEqualTo(2);
    assertThat(a.result()).isEqualTo("ok");
    assertThat(a).isEqualTo(Applied.of(7, 2, "ok")).isNotEqualTo(Applied.of(7, 3, "ok"));
    assertThat(Applied.of(1, 1, null).result()).isNull();
  }
}
