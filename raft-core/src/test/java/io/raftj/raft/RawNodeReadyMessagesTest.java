package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRawNode;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Ready's message list belongs to the Ready: RawNode reuses its own outgoing lists between
 * Readys, and taking the next Ready must leave the messages of earlier ones as they were.
 */
final class RawNodeReadyMessagesTest {

  @Test
  void leaderReadyKeepsItsAppends() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    RawNode rn = newTestRawNode(1, 10, 1, s);
    rn.campaign();
    stabilize(rn, s);
    assertThat(rn.basicStatus().raftState()).isEqualTo(StateType.STATE_LEADER);

    rn.propose(bytes("a"));
    Ready first = rn.ready();
    List<Message> sent = List.copyOf(first.messages());
    assertThat(sent)
        .extracting(Message::getType, Message::getTo)
        .containsExactly(tuple(MessageType.MsgApp, 2L));
    s.append(first.entries());
    rn.advance(first);
    long index = sent.get(0).getEntries(0).getIndex();
    rn.step(appResp(2, 1, sent.get(0).getTerm(), index));

    rn.propose(bytes("b"));
    Ready second = rn.ready();
    assertThat(second.messages()).isNotEmpty();
    assertThat(first.messages()).isEqualTo(sent);
    s.append(second.entries());
    rn.advance(second);
    assertThat(first.messages()).isEqualTo(sent);
  }

  @Test
  void followerReadyKeepsItsAcks() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    RawNode rn = newTestRawNode(2, 10, 1, s);

    rn.step(app(1, 2, 1, 0, 0, Entry.newBuilder().setTerm(1).setIndex(1).build()));
    Ready first = rn.ready();
    List<Message> sent = List.copyOf(first.messages());
    assertThat(sent)
        .extracting(Message::getType, Message::getTo, Message::getIndex)
        .containsExactly(tuple(MessageType.MsgAppResp, 1L, 1L));
    s.setHardState(first.hardState());
    s.append(first.entries());
    rn.advance(first);

    rn.step(app(1, 2, 1, 1, 1, Entry.newBuilder().setTerm(1).setIndex(2).build()));
    Ready second = rn.ready();
    assertThat(second.messages())
        .extracting(Message::getType, Message::getIndex)
        .containsExactly(tuple(MessageType.MsgAppResp, 2L));
    assertThat(first.messages()).isEqualTo(sent);
  }

  private static Message app(long from, long to, long term, long index, long logTerm, Entry e) {
    return Message.newBuilder()
        .setType(MessageType.MsgApp)
        .setFrom(from)
        .setTo(to)
        .setTerm(term)
        .setIndex(index)
        .setLogTerm(logTerm)
        .addEntries(e)
        .build();
  }

  private static Message appResp(long from, long to, long term, long index) {
    return Message.newBuilder()
        .setType(MessageType.MsgAppResp)
        .setFrom(from)
        .setTo(to)
        .setTerm(term)
        .setIndex(index)
        .build();
  }

  /** Runs Readys to quiescence, granting votes and acknowledging appends as node 2. */
  private static void stabilize(RawNode rn, MemoryStorage s) {
    while (rn.hasReady()) {
      Ready rd = rn.ready();
      s.append(rd.entries());
      for (Message m : rd.messages()) {
        if (m.getType() == MessageType.MsgVote) {
          rn.step(
              Message.newBuilder()
                  .setType(MessageType.MsgVoteResp)
                  .setFrom(m.getTo())
                  .setTo(m.getFrom())
                  .setTerm(m.getTerm())
                  .build());
        } else if (m.getType() == MessageType.MsgApp) {
          long last =
              m.getEntriesCount() > 0
                  ? m.getEntries(m.getEntriesCount() - 1).getIndex()
                  : m.getIndex();
          rn.step(appResp(m.getTo(), m.getFrom(), m.getTerm(), last));
        }
      }
      rn.advance(rd);
    }
  }
}
