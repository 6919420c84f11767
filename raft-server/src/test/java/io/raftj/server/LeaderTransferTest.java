package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

final class LeaderTransferTest {

  private final List<CompletableFuture<Object>> failed = new ArrayList<>();
  private final List<RaftServerException> reasons = new ArrayList<>();
  private final LeaderTransfer transfer =
      new LeaderTransfer(
          (f, ex) -> {
            failed.add(f);
            reasons.add(ex);
          });

  private static GroupEvent.TransferLeader to(long target, long deadline) {
    return new GroupEvent.TransferLeader(target, new CompletableFuture<>(), deadline);
  }

  @Test
  void completesWhenTheTargetLeads_notBefore() {
    GroupEvent.TransferLeader t = to(2, 1_000);
    transfer.start(t, 1);
    transfer.leaderChanged(3);
    assertThat(t.future()).isNotDone();
    assertThat(transfer.inProgress()).isTrue();
    transfer.leaderChanged(2);
    assertThat(t.future()).isCompleted();
    assertThat(transfer.inProgress()).isFalse();
    assertThat(failed).isEmpty();
  }

  @Test
  void aNewTransferSupersedesTheOneUnderWay() {
    GroupEvent.TransferLeader first = to(2, 1_000);
    GroupEvent.TransferLeader second = to(3, 1_000);
    transfer.start(first, 1);
    transfer.start(second, 1);
    assertThat(failed).containsExactly(first.future());
    assertThat(reasons.get(0))
        .isInstanceOf(NotLeaderException.class)
        .hasMessageContaining("superseded");
    transfer.leaderChanged(3);
    assertThat(second.future()).isCompleted();
  }

  @Test
  void failsAtItsDeadline_andWhenTheGroupStops() {
    GroupEvent.TransferLeader t = to(2, 1_000);
    transfer.start(t, 1);
    transfer.expire(999);
    assertThat(failed).isEmpty();
    transfer.expire(1_000);
    assertThat(failed).containsExactly(t.future());
    assertThat(reasons.get(0))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("did not move to 2");
    assertThat(transfer.inProgress()).isFalse();

    GroupEvent.TransferLeader u = to(3, 5_000);
    transfer.start(u, 1);
    GroupStoppedException stopped = new GroupStoppedException("stopped", null);
    transfer.fail(stopped);
    transfer.fail(stopped); // nothing left to fail
    assertThat(failed).containsExactly(t.future(), u.future());
    assertThat(reasons.get(1)).isSameAs(stopped);
  }
}
