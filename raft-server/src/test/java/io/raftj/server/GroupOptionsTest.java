package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class GroupOptionsTest {

  @Test
  void withers_changeOnlyTheirFields() {
    GroupOptions o =
        GroupOptions.of(9, 1, 2, 3)
            .withTicks(20, 2)
            .withFlowControl(4096, 8)
            .withMaxPendingProposals(100)
            .withLeaseReads(true)
            .withSnapshots(50, 1000, 7)
            .withSnapshotLogRatio(0.5)
            .withApplyOnLoopThread(true)
            .withOperationTimeout(Duration.ofSeconds(3))
            .withJoin(true);
    assertThat(o)
        .isEqualTo(
            new GroupOptions(
                9,
                List.of(1L, 2L, 3L),
                true,
                20,
                2,
                4096,
                8,
                100,
                true,
                50,
                1000,
                7,
                0.5,
                Duration.ofSeconds(3),
                true));
  }

  @Test
  void badValues_areRefusedWithTheReason() {
    GroupOptions o = GroupOptions.of(9, 1, 2, 3);
    assertThatThrownBy(() -> o.withTicks(1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("election ticks must be greater than heartbeat ticks");
    assertThatThrownBy(() -> o.withOperationTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> GroupOptions.of(9, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> GroupOptions.of(9, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
