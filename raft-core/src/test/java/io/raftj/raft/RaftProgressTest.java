package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.beat;
import static io.raftj.raft.RaftTestSupport.prop;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.tracker.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ports etcd's raft_test.go tests of the leader's per-follower progress: how it pauses and
 * resumes sending, and how MaxSizePerMsg, MaxInflightMsgs and MaxInflightBytes bound the appends
 * in flight.
 */
final class RaftProgressTest {

  /** The leader's own progress follows its log only once the append is durable. */
  @Test
  void progressLeader() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    r.trk.progress().get(2).becomeReplicate();

    Message propMsg = prop(1, 1, "foo");
    for (int i = 0; i < 5; i++) {
      r.step(propMsg);
    }
    assertThat(r.trk.progress().get(1).match()).isZero();

    List<Entry> ents = r.raftLog.nextUnstableEnts();
    assertThat(ents).hasSize(6);
    assertThat(ents.get(0).getData().isEmpty()).isTrue();
    assertThat(ents.get(5).getData().toStringUtf8()).isEqualTo("foo");

    RaftTestUtil.advanceMessagesAfterAppend(r);
    assertThat(r.trk.progress().get(1).match()).isEqualTo(6);
    assertThat(r.trk.progress().get(1).next()).isEqualTo(7);
  }

  /** A heartbeat does not unpause a follower; its heartbeat response does. */
  @Test
  void progressResumeByHeartbeatResp() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    Progress pr = r.trk.progress().get(2);
    pr.setMsgAppFlowPaused(true);

    r.step(beat(1));
    assertThat(pr.msgAppFlowPaused()).isTrue();

    pr.becomeReplicate();
    assertThat(pr.msgAppFlowPaused()).isFalse();
    pr.setMsgAppFlowPaused(true);
    r.step(msg(2, 1, MessageType.MsgHeartbeatResp).build());
    assertThat(pr.msgAppFlowPaused()).isFalse();
  }

  /** A probed follower gets one append for three proposals. */
  @Test
  void progressPaused() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    r.step(prop(1, 1, "somedata"));
    r.step(prop(1, 1, "somedata"));
    r.step(prop(1, 1, "somedata"));
    assertThat(readMessages(r)).hasSize(1);
  }

  /**
   * In replicate state appends are bounded by MaxSizePerMsg, MaxInflightMsgs and
   * MaxInflightBytes, and each ack frees room for more.
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
