package io.raftj.simulation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each property the checker guards, broken on purpose. */
final class SafetyCheckerTest {

  private final SafetyChecker c = new SafetyChecker();

  private static Entry entry(long index, long term, long op) {
    return Entry.newBuilder().setIndex(index).setTerm(term).setData(Ops.writeData(op)).build();
  }

  private static HardState hs(long term, long vote, long commit) {
    return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
  }

  private void start(long id) {
    c.restarted(id, HardState.getDefaultInstance(), new MemoryStorage());
  }

  @Test
  void twoVotesInOneTerm_areCaught_evenAcrossARestart() {
    start(1);
    c.persisted(1, hs(2, 3, 0), List.of(), null, true);
    c.crashed(1, false, 0);
    MemoryStorage forgot = new MemoryStorage();
    forgot.setHardState(hs(2, 3, 0));
    c.restarted(1, hs(2, 3, 0), forgot);
    Message vote =
        Message.newBuilder()
            .setType(MessageType.MsgVoteResp)
            .setFrom(1)
            .setTo(4)
            .setTerm(2)
            .build();
    assertThatThrownBy(() -> c.sent(1, List.of(vote))).hasMessageContaining("one vote per term");
  }

  @Test
  void differentEntriesAppliedAtOneIndex_areCaught() {
    start(1);
    start(2);
    c.applied(1, 1, entry(1, 1, 7));
    assertThatThrownBy(() -> c.applied(2, 1, entry(1, 1, 8)))
        .hasMessageContaining("state-machine safety");
  }

  @Test
  void sameIndexAndTermWithOtherData_breaksLogMatching() {
    start(1);
    start(2);
    c.persisted(1, HardState.getDefaultInstance(), List.of(entry(1, 1, 7)), null, true);
    assertThatThrownBy(
            () ->
                c.persisted(2, HardState.getDefaultInstance(), List.of(entry(1, 1, 8)), null, true))
        .hasMessageContaining("log matching");
  }

  @Test
  void acknowledgedEntryMissingAfterRestart_isCaught() {
    start(1);
    c.persisted(1, hs(1, 1, 0), List.of(entry(1, 1, 7), entry(2, 1, 8)), null, true);
    c.crashed(1, false, 0);
    MemoryStorage lostOne = new MemoryStorage();
    lostOne.append(List.of(entry(1, 1, 7)));
    assertThatThrownBy(() -> c.restarted(1, hs(1, 1, 0), lostOne))
        .hasMessageContaining("lost acknowledged entry 2");
  }

  @Test
  void unsyncedSave_mayBeLost() {
    start(1);
    c.persisted(1, hs(1, 1, 0), List.of(entry(1, 1, 7)), null, true);
    c.persisted(1, hs(1, 1, 1), List.of(), null, false); // commit only: not synced
    c.crashed(1, false, 0);
    MemoryStorage ms = new MemoryStorage();
    ms.append(List.of(entry(1, 1, 7)));
    assertThatCode(() -> c.restarted(1, hs(1, 1, 0), ms)).doesNotThrowAnyException();
  }

  @Test
  void commitGoingBackBelowAnAcknowledgedOne_isCaught() {
    start(1);
    c.persisted(1, hs(1, 1, 1), List.of(entry(1, 1, 7)), null, true);
    c.crashed(1, false, 0);
    MemoryStorage ms = new MemoryStorage();
    ms.append(List.of(entry(1, 1, 7)));
    assertThatThrownBy(() -> c.restarted(1, hs(1, 1, 0), ms))
        .hasMessageContaining("commit never goes back");
  }

  @Test
  void interruptedSave_mayLoseItsOwnEntriesOnly() {
    start(1);
    c.persisted(1, hs(1, 1, 0), List.of(entry(1, 1, 7)), null, true);
    c.crashed(1, true, 2); // died saving entries from index 2
    MemoryStorage ms = new MemoryStorage();
    ms.append(List.of(entry(1, 1, 7)));
    assertThatCode(() -> c.restarted(1, hs(1, 1, 0), ms)).doesNotThrowAnyException();
  }

  @Test
  void snapshotWithOtherWritesThanTheLog_isCaught() {
    start(1);
    c.applied(1, 1, entry(1, 1, 7));
    c.applied(1, 1, Entry.newBuilder().setIndex(2).setTerm(1).setData(ByteString.EMPTY).build());
    assertThatThrownBy(() -> c.snapshotTaken(1, 2, List.of(8L)))
        .hasMessageContaining("state-machine safety");
  }
}
