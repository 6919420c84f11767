package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports etcd raft_test.go's TestRaftFreesReadOnlyMem: confirmed reads leave no state behind. */
final class RaftReadOnlyMemoryTest {

  /**
   * A safe read waits for a heartbeat round; once a quorum acknowledges it, the leader forgets the
   * request (dissertation 6.4, steps 2 and 3).
   */
  @Test
  void raftFreesReadOnlyMem() {
    Raft sm = newTestRaft(1, 5, 1, newTestMemoryStorage(withPeers(1, 2)));
    sm.becomeCandidate();
    sm.becomeLeader();
    sm.raftLog.commitTo(sm.raftLog.lastIndex());

    sm.step(
        msg(2, 0, MessageType.MsgReadIndex)
            .addEntries(Entry.newBuilder().setData(bytes("ctx")))
            .build());
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgHeartbeat);
    // one read is waiting, so heartbeats carry a context that confirms it
    assertThat(sm.readOnly.heartbeatCtx()).isEqualTo(msgs.get(0).getContext()).isNotNull();

    sm.step(msg(2, 0, MessageType.MsgHeartbeatResp).setContext(msgs.get(0).getContext()).build());
    assertThat(sm.readOnly.heartbeatCtx()).as("no unconfirmed reads left").isNull();
    // the heartbeat response also prompts an append to the lagging follower; pick the read reply
    List<Message> resps =
        readMessages(sm).stream().filter(m -> m.getType() == MessageType.MsgReadIndexResp).toList();
    assertThat(resps).hasSize(1);
    Message resp = resps.get(0);
    assertThat(resp.getTo()).isEqualTo(2);
    assertThat(resp.getIndex()).isEqualTo(sm.raftLog.committed());
  }
}
