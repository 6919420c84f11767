package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.tracker.internal.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports etcd's raft_flow_control_test.go: the inflight window of a replicating follower. */
final class RaftFlowControlTest {

  private static Raft leaderWithReplicatingFollower() {
    Raft r = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    r.becomeCandidate();
    r.becomeLeader();
    r.trk.progress().get(2).becomeReplicate();
    return r;
  }

  private static void propose(Raft r) {
    r.step(msg(1, 1, MessageType.MsgProp).addEntries(data("somedata")).build());
  }

  /** Once the inflight window is full, proposals are appended but not sent. */
  @Test
  void msgAppFlowControlFull() {
    Raft r = leaderWithReplicatingFollower();
    Progress pr2 = r.trk.progress().get(2);
    for (int i = 0; i < r.trk.maxInflight(); i++) {
      propose(r);
      List<Message> ms = readMessages(r);
      assertThat(ms).hasSize(1);
      assertThat(ms.get(0).getType()).isEqualTo(MessageType.MsgApp);
    }
    assertThat(pr2.isPaused()).isTrue();
    for (int i = 0; i < 10; i++) {
      propose(r);
      assertThat(readMessages(r)).isEmpty();
    }
  }

  /** An ack frees window slots up to its index; stale acks free nothing. */
  @Test
  void msgAppFlowControlMoveForward() {
    Raft r = leaderWithReplicatingFollower();
    Progress pr2 = r.trk.progress().get(2);
    for (int i = 0; i < r.trk.maxInflight(); i++) {
      propose(r);
      readMessages(r);
    }
    // 1 is the leader's empty entry, 2 the first proposal.
    for (int tt = 2; tt < r.trk.maxInflight(); tt++) {
      r.step(msg(2, 1, MessageType.MsgAppResp).setIndex(tt).build());
      readMessages(r);

      // One slot is free: one more proposal goes out, then the window is full again.
      propose(r);
      List<Message> ms = readMessages(r);
      assertThat(ms).hasSize(1);
      assertThat(ms.get(0).getType()).isEqualTo(MessageType.MsgApp);
      assertThat(pr2.isPaused()).isTrue();

      for (int i = 0; i < tt; i++) {
        r.step(msg(2, 1, MessageType.MsgAppResp).setIndex(i).build());
        assertThat(pr2.isPaused()).isTrue();
      }
    }
  }

  /** A heartbeat response gets a paused follower an empty append, but frees no slot. */
  @Test
  void msgAppFlowControlRecvHeartbeat() {
    Raft r = leaderWithReplicatingFollower();
    Progress pr2 = r.trk.progress().get(2);
    for (int i = 0; i < r.trk.maxInflight(); i++) {
      propose(r);
      readMessages(r);
    }
    for (int tt = 1; tt < 5; tt++) {
      for (int i = 0; i < tt; i++) {
        assertThat(pr2.isPaused()).isTrue();
        r.step(msg(2, 1, MessageType.MsgHeartbeatResp).build());
        List<Message> ms = readMessages(r);
        assertThat(ms).hasSize(1);
        assertThat(ms.get(0).getType()).isEqualTo(MessageType.MsgApp);
        assertThat(ms.get(0).getEntriesList()).isEmpty();
      }
      for (int i = 0; i < 10; i++) {
        assertThat(pr2.isPaused()).isTrue();
        propose(r);
        assertThat(readMessages(r)).isEmpty();
      }
      r.step(msg(2, 1, MessageType.MsgHeartbeatResp).build());
      readMessages(r);
    }
  }
}
