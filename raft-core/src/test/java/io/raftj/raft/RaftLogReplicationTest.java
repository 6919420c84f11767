package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.expectOneMessage;
import static io.raftj.raft.RaftTestSupport.prop;
import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.mustAppendEntry;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.tracker.ProgressState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ports etcd's raft_test.go tests of the append path: how MaxSizePerMsg and the inflight limits
 * bound what the leader sends, and stale or reordered messages.
 */
final class RaftLogReplicationTest {

  /**
   * A message of an older term is dropped before it reaches the role's handler: nothing is sent and
   * the log stays as it was.
   */
  @Test
  void stepIgnoreOldTermMsg() {
    Raft sm = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1)));
    sm.term = 2;
    sm.step(
        msg(0, 0, MessageType.MsgApp)
            .setTerm(sm.term - 1)
            .addAllEntries(index(1).terms(1))
            .setCommit(1)
            .build());
    assertThat(readMessages(sm)).isEmpty();
    assertThat(sm.raftLog.lastIndex()).isZero();
    assertThat(sm.raftLog.committed()).isZero();
    assertThat(sm.term).isEqualTo(2);
  }

  /** A late rejection must not send the leader back before the follower's known match. */
  @Test
  void logReplicationWithReorderedMessage() {
    Raft r1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2)));
    r1.becomeCandidate();
    r1.becomeLeader();
    readMessages(r1);
    r1.trk.progress().get(2).becomeReplicate();

    Raft r2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2)));

    mustAppendEntry(r1, data("somedata"));
    r1.sendAppend(2);
    Message req1 = expectOneMessage(r1);
    mustAppendEntry(r1, data("somedata"));
    r1.sendAppend(2);
    Message req2 = expectOneMessage(r1);

    // r2 gets the second append first and rejects it.
    r2.step(req2);
    Message resp2 = expectOneMessage(r2);
    assertThat(resp2.getReject()).isTrue();
    assertThat(resp2.getRejectHint()).isZero();
    assertThat(resp2.getIndex()).isEqualTo(2);

    r2.step(req1);
    Message m = expectOneMessage(r2);
    assertThat(m.getReject()).isFalse();
    assertThat(m.getIndex()).isEqualTo(2);
    r1.step(m);
    expectOneMessage(r1);
    assertThat(r1.trk.progress().get(2).match()).isEqualTo(2);

    // A transient network issue sends r1 back to probing r2.
    r1.step(msg(2, 1, MessageType.MsgUnreachable).build());
    assertThat(r1.trk.progress().get(2).state()).isEqualTo(ProgressState.STATE_PROBE);

    // The delayed rejection arrives; r1 re-sends from the match, not from the stale hint.
    r1.step(resp2);
    m = expectOneMessage(r1);
    assertThat(m.getIndex()).isEqualTo(r1.trk.progress().get(2).match());
  }

  /**
   * In replicate state appends are bounded by MaxSizePerMsg, MaxInflightMsgs and MaxInflightBytes,
   * and each ack frees room for more.
   */
  @Test
  void progressFlowControl() {
    Config cfg = newTestConfig(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    cfg.setMaxInflightMsgs(3);
    cfg.setMaxSizePerMsg(2048);
    cfg.setMaxInflightBytes(9000); // a little over MaxInflightMsgs * MaxSizePerMsg
    Raft r = new Raft(cfg);
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);

    // While node 2 probes, propose a mix of small and large entries.
    r.trk.progress().get(2).becomeProbe();
    String blob = "a".repeat(1000);
    String large = "b".repeat(5000);
    for (int i = 0; i < 22; i++) {
      r.step(prop(1, 1, i >= 10 && i < 16 ? large : blob));
    }

    List<Message> ms = readMessages(r);
    // The empty entry of the election and the first proposal; probing sends just one append.
    assertThat(ms).hasSize(1);
    assertThat(ms.get(0).getType()).isEqualTo(MessageType.MsgApp);
    assertThat(ms.get(0).getEntriesList()).hasSize(2);
    assertThat(ms.get(0).getEntries(0).getData().isEmpty()).isTrue();
    assertThat(ms.get(0).getEntries(1).getData().size()).isEqualTo(1000);

    // The ack moves node 2 to replicate: three appends of two small entries each.
    long index = ackAndVerify(r, ms.get(0).getEntries(1).getIndex(), 2, 2, 2);
    // The third append now holds a single large entry.
    index = ackAndVerify(r, index, 2, 1, 1);
    // One large entry per append, capped at two by MaxInflightBytes.
    index = ackAndVerify(r, index, 1, 1);
    index = ackAndVerify(r, index, 1, 1);
    // Small entries again.
    index = ackAndVerify(r, index, 1, 2, 2);
    ackAndVerify(r, index, 2);
  }

  /** Acks {@code index} from node 2 and checks the entry counts of the appends sent in reply. */
  private static long ackAndVerify(Raft r, long index, int... expEntries) {
    r.step(msg(2, 1, MessageType.MsgAppResp).setIndex(index).build());
    List<Message> ms = readMessages(r);
    assertThat(ms).hasSize(expEntries.length);
    for (int i = 0; i < ms.size(); i++) {
      assertThat(ms.get(i).getType()).as("#%d", i).isEqualTo(MessageType.MsgApp);
      assertThat(ms.get(i).getEntriesList()).as("#%d", i).hasSize(expEntries[i]);
    }
    List<Entry> last = ms.get(ms.size() - 1).getEntriesList();
    return last.isEmpty() ? index : last.get(last.size() - 1).getIndex();
  }
}
