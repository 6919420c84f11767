package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.hup;
import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import io.raftj.raft.internal.Messages;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ports more of etcd's node_test.go: how Node steps messages and proposals, follower forwarding of
 * proposals and read requests, and the size limits on appends and on committed entries per Ready.
 */
final class NodePaginationAndProposalTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Ready takeReady(Node n) throws InterruptedException {
    Ready rd = n.pollReady(10, TimeUnit.SECONDS);
    assertThat(rd).as("a Ready within 10s").isNotNull();
    return rd;
  }

  private static ByteString blob(int size) {
    return bytes("a".repeat(size));
  }

  /**
   * Local messages handed to Node.step from outside are dropped without reaching raft; the same
   * message type from a local storage thread, or any non-local message, is stepped.
   */
  @ParameterizedTest
  @EnumSource(MessageType.class)
  void nodeStep(MessageType type) {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          Node n = Node.restart(newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1, 2))));
          try {
            Status before = n.status().get();
            // From 0 is not a local storage thread: local types must be ignored. Term 1 keeps the
            // vote requests among the others well-formed for the real raft behind this node.
            CompletableFuture<Void> f =
                n.step(Message.newBuilder().setType(type).setFrom(0).setTo(1).setTerm(1).build());
            if (Messages.isLocalMsg(type)) {
              assertThat(f).as("dropped at once").isCompleted();
              Status after = n.status().get();
              assertThat(after.raftState()).isEqualTo(before.raftState());
              assertThat(after.term()).isEqualTo(before.term());
              assertThat(after.vote()).isEqualTo(before.vote());
              assertThat(after.lead()).isEqualTo(before.lead());
            } else {
              // Reaches raft: steps are acknowledged once the loop has handled them (proposals may
              // be parked until a leader exists, so only non-proposals are awaited).
              if (type != MessageType.MsgProp) {
                f.get();
              }
            }
          } finally {
            n.stop();
          }
        });
  }

  /** A non-local message from a peer reaches raft: a heartbeat at term 1 installs the leader. */
  @Test
  void nodeStep_peerMessageReachesRaft() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          Node n = Node.restart(newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1, 2))));
          try {
            n.step(msg(2, 1, MessageType.MsgHeartbeat).setTerm(1).build()).get();
            Status st = n.status().get();
            assertThat(st.lead()).isEqualTo(2);
            assertThat(st.term()).isEqualTo(1);
            // the same MsgHup that was dropped from outside goes through Node.campaign
            n.campaign().get();
            assertThat(n.status().get().raftState()).isEqualTo(StateType.STATE_CANDIDATE);
          } finally {
            n.stop();
          }
        });
  }

  /** A proposal on the leader reaches raft as one entry with the proposed data. */
  @Test
  void nodePropose() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            n.campaign().get();
            while (true) {
              Ready rd = takeReady(n);
              s.append(rd.entries());
              n.advance();
              if (rd.softState() != null && rd.softState().lead() == 1) {
                break;
              }
            }
            long last = s.lastIndex();
            n.propose(bytes("somedata")).get();
            Ready rd = takeReady(n);
            List<Entry> proposed = new ArrayList<>();
            for (Entry e : rd.entries()) {
              if (e.getIndex() > last) {
                proposed.add(e);
              }
            }
            assertThat(proposed).hasSize(1);
            assertThat(proposed.get(0).getData()).isEqualTo(bytes("somedata"));
            n.advance();
          } finally {
            n.stop();
          }
        });
  }

  /** A follower forwards a proposal to the leader unless proposal forwarding is disabled. */
  @Test
  void disableProposalForwarding() {
    Raft r1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft r2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft r3 =
        new Raft(
            newTestConfig(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
                .setDisableProposalForwarding(true));
    Network nt = Network.withConfig(null, r1, r2, r3);
    nt.send(hup(1));

    r2.step(msg(2, 2, MessageType.MsgProp).addEntries(RaftTestUtil.data("testdata")).build());
    assertThat(r2.msgs).hasSize(1);
    assertThat(r2.msgs.get(0).getType()).isEqualTo(MessageType.MsgProp);
    assertThat(r2.msgs.get(0).getTo()).isEqualTo(1);

    try {
      r3.step(msg(3, 3, MessageType.MsgProp).addEntries(RaftTestUtil.data("testdata")).build());
    } catch (ProposalDroppedException e) {
      // expected outcome of a follower that may not forward
    }
    assertThat(r3.msgs).isEmpty();
  }

  private static Message readIndex(long from, long to) {
    return msg(from, to, MessageType.MsgReadIndex)
        .addEntries(RaftTestUtil.data("testdata"))
        .build();
  }

  /**
   * Followers forward read requests to the leader without a term; an old leader that receives them
   * after losing leadership forwards them on to the new leader unchanged.
   */
  @Test
  void nodeReadIndexToOldLeader() {
    Raft r1 = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft r2 = newTestRaft(2, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Raft r3 = newTestRaft(3, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    Network nt = Network.withConfig(null, r1, r2, r3);
    nt.send(hup(1));

    r2.step(readIndex(2, 2));
    assertThat(r2.msgs).containsExactly(readIndex(2, 1));
    r3.step(readIndex(3, 3));
    assertThat(r3.msgs).containsExactly(readIndex(3, 1));
    // both requests are still in flight when 3 takes over
    r2.msgs = new ArrayList<>();
    r3.msgs = new ArrayList<>();

    nt.send(hup(3));
    assertThat(r3.state).isEqualTo(StateType.STATE_LEADER);

    r1.step(readIndex(2, 1));
    r1.step(readIndex(3, 1));
    assertThat(r1.msgs).containsExactly(readIndex(2, 3), readIndex(3, 3));
  }

  /**
   * Entries batched during a partition are sent in MsgApps that never exceed maxSizePerMsg but do
   * fill more than half of it.
   */
  @Test
  void appendPagination() {
    int maxSizePerMsg = 2048;
    Network n = Network.withConfig(c -> c.setMaxSizePerMsg(maxSizePerMsg), null, null, null);
    boolean[] seenFullMessage = {false};
    List<Integer> oversized = new ArrayList<>();
    n.msgHook =
        m -> {
          if (m.getType() == MessageType.MsgApp) {
            int size = 0;
            for (Entry e : m.getEntriesList()) {
              size += e.getData().size();
            }
            if (size > maxSizePerMsg) {
              oversized.add(size);
            }
            if (size > maxSizePerMsg / 2) {
              seenFullMessage[0] = true;
            }
          }
          return true;
        };

    n.send(hup(1));
    // Proposals made while 1 is cut off are batched into larger appends afterwards.
    n.isolate(1);
    for (int i = 0; i < 5; i++) {
      n.send(
          msg(1, 1, MessageType.MsgProp)
              .addEntries(Entry.newBuilder().setData(blob(1000)))
              .build());
    }
    n.recover();
    n.send(msg(1, 1, MessageType.MsgBeat).build());

    assertThat(oversized).as("MsgApp payloads over the limit").isEmpty();
    assertThat(seenFullMessage[0]).as("some MsgApp more than half the limit").isTrue();
    assertThat(n.raft(2).raftLog.lastIndex()).isEqualTo(n.raft(1).raftLog.lastIndex());
  }

  /** Committed entries are handed out in Readies bounded by maxCommittedSizePerReady. */
  @Test
  void commitPagination() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s).setMaxCommittedSizePerReady(2048));
          try {
            n.campaign().get();
            Ready rd = takeReady(n); // persist the vote
            s.append(rd.entries());
            n.advance();
            rd = takeReady(n); // append the empty entry
            s.append(rd.entries());
            n.advance();
            rd = takeReady(n); // apply the empty entry
            assertThat(rd.committedEntries()).hasSize(1);
            s.append(rd.entries());
            n.advance();

            for (int i = 0; i < 3; i++) {
              n.propose(blob(1000)).get();
            }
            rd = takeReady(n);
            assertThat(rd.entries()).as("the three proposals are appended together").hasSize(3);
            s.append(rd.entries());
            n.advance();

            rd = takeReady(n);
            assertThat(rd.committedEntries()).as("first batch").hasSize(2);
            s.append(rd.entries());
            n.advance();
            rd = takeReady(n);
            assertThat(rd.committedEntries()).as("second batch").hasSize(1);
            s.append(rd.entries());
            n.advance();
          } finally {
            n.stop();
          }
        });
  }

  /** Handles the storage messages of one Ready: appends, and acks or collects the apply acks. */
  private static void handleStorageMessages(
      Node n,
      MemoryStorage s,
      Ready rd,
      int wantMessages,
      List<Message> applyResps,
      boolean ackApplies)
      throws Exception {
    assertThat(rd.messages()).hasSize(wantMessages);
    for (Message m : rd.messages()) {
      switch (m.getType()) {
        case MsgStorageAppend -> {
          s.append(m.getEntriesList());
          for (Message resp : m.getResponsesList()) {
            n.step(resp).get();
          }
        }
        case MsgStorageApply -> {
          assertThat(m.getEntriesList()).hasSize(1);
          assertThat(m.getResponsesList()).hasSize(1);
          if (ackApplies) {
            n.step(m.getResponses(0)).get();
          } else {
            applyResps.add(m.getResponses(0));
          }
        }
        default -> throw new AssertionError("unexpected: " + m);
      }
    }
  }

  /**
   * With asynchronous storage writes, a committed entry is not handed out for application while
   * earlier applications exceed maxCommittedSizePerReady and are unacknowledged.
   */
  @Test
  void commitPaginationWithAsyncStorageWrites() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n =
              Node.restart(
                  newTestConfig(1, 10, 1, s)
                      .setMaxCommittedSizePerReady(2048)
                      .setAsyncStorageWrites(true));
          try {
            List<Message> applyResps = new ArrayList<>();
            n.campaign().get();
            Ready rd = takeReady(n); // persist the vote
            assertThat(rd.messages()).hasSize(1);
            assertThat(rd.messages().get(0).getType()).isEqualTo(MessageType.MsgStorageAppend);
            handleStorageMessages(n, s, rd, 1, applyResps, true);
            rd = takeReady(n); // append the empty entry
            assertThat(rd.messages().get(0).getType()).isEqualTo(MessageType.MsgStorageAppend);
            handleStorageMessages(n, s, rd, 1, applyResps, true);
            handleStorageMessages(n, s, takeReady(n), 2, applyResps, true); // apply the empty entry

            n.propose(blob(1024)).get();
            rd = takeReady(n); // append the first entry
            assertThat(rd.messages().get(0).getType()).isEqualTo(MessageType.MsgStorageAppend);
            assertThat(rd.messages().get(0).getEntriesList()).hasSize(1);
            handleStorageMessages(n, s, rd, 1, applyResps, true);

            n.propose(blob(1024)).get();
            // append the second entry; hold the first one's application
            handleStorageMessages(n, s, takeReady(n), 2, applyResps, false);
            n.propose(blob(1024)).get();
            // append the third entry; hold the second one's application
            handleStorageMessages(n, s, takeReady(n), 2, applyResps, false);
            assertThat(applyResps).hasSize(2);

            // Until the first application is acknowledged the third entry is not offered: drain
            // whatever Readies are available now (a status round trip settles the loop) and check.
            while (true) {
              CompletableFuture<Ready> f = n.readyAsync();
              n.status().get();
              if (!f.isDone()) {
                f.cancel(false);
                break;
              }
              for (Message m : f.get().messages()) {
                assertThat(m.getType())
                    .as("unexpected message: %s", m)
                    .isNotEqualTo(MessageType.MsgStorageApply);
              }
            }

            n.step(applyResps.remove(0)).get();
            rd = takeReady(n);
            assertThat(rd.messages()).hasSize(1);
            Message m = rd.messages().get(0);
            assertThat(m.getType()).isEqualTo(MessageType.MsgStorageApply);
            assertThat(m.getEntriesList()).hasSize(1);
            applyResps.add(m.getResponses(0));
            for (Message resp : applyResps) {
              n.step(resp).get();
            }
          } finally {
            n.stop();
          }
        });
  }

  /**
   * Adding the same voter twice through a Node commits both changes and does not block adding
   * another node afterwards.
   */
  @Test
  void nodeProposeAddDuplicateNode() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            List<Entry> allCommitted = new ArrayList<>();
            n.campaign().get();
            ConfChange cc1 =
                ConfChange.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddNode)
                    .setNodeId(1)
                    .build();
            ConfChange cc2 =
                ConfChange.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddNode)
                    .setNodeId(2)
                    .build();
            // drive the election, then each proposal, until its conf change is applied
            driveUntilConfChangeApplied(n, s, allCommitted, null);
            driveUntilConfChangeApplied(n, s, allCommitted, cc1);
            driveUntilConfChangeApplied(n, s, allCommitted, cc1);
            driveUntilConfChangeApplied(n, s, allCommitted, cc2);

            assertThat(allCommitted).hasSize(4);
            assertThat(allCommitted.get(1).getData()).isEqualTo(cc1.toByteString());
            assertThat(allCommitted.get(2).getData()).isEqualTo(cc1.toByteString());
            assertThat(allCommitted.get(3).getData()).isEqualTo(cc2.toByteString());
            assertThat(n.status().get().progress().keySet()).containsExactlyInAnyOrder(1L, 2L);
          } finally {
            n.stop();
          }
        });
  }

  /**
   * Proposes {@code cc} (if any) and handles Readies until a conf change was applied, or, without
   * one, until the node leads and its empty entry is committed.
   */
  private static void driveUntilConfChangeApplied(
      Node n, MemoryStorage s, List<Entry> allCommitted, ConfChange cc) throws Exception {
    if (cc != null) {
      n.proposeConfChange(ConfChangeI.of(cc)).get();
    }
    while (true) {
      Ready rd = takeReady(n);
      s.append(rd.entries());
      boolean applied = false;
      for (Entry e : rd.committedEntries()) {
        allCommitted.add(e);
        if (e.getType() == EntryType.EntryConfChange) {
          n.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData()))).get();
          applied = true;
        }
      }
      n.advance();
      if (cc == null ? !rd.committedEntries().isEmpty() : applied) {
        return;
      }
    }
  }

  /**
   * A restarted Node whose storage ignores the size hint never reports a commit index below the
   * persisted one.
   */
  @Test
  void nodeCommitPaginationAfterRestart() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage ms = newTestMemoryStorage(withPeers(1));
          HardState persisted = HardState.newBuilder().setTerm(1).setVote(1).setCommit(10).build();
          ms.setHardState(persisted);
          List<Entry> ents = new ArrayList<>();
          long size = 0;
          for (int i = 0; i < 10; i++) {
            Entry ent =
                Entry.newBuilder()
                    .setTerm(1)
                    .setIndex(i + 1)
                    .setType(EntryType.EntryNormal)
                    .setData(bytes("a"))
                    .build();
            ents.add(ent);
            size += ent.getSerializedSize();
          }
          ms.append(ents);
          Storage ignoreSizeHint = new IgnoreSizeHintStorage(ms);
          Config cfg = newTestConfig(1, 10, 1, ignoreSizeHint);
          // Suggests the last committed entry does not fit the first Ready; the storage returns it
          // anyway.
          cfg.setMaxSizePerMsg(size - ents.get(9).getSerializedSize() - 1);
          Node n = Node.restart(cfg);
          try {
            Ready rd = takeReady(n);
            assertThat(
                    !Util.isEmptyHardState(rd.hardState())
                        && rd.hardState().getCommit() < persisted.getCommit())
                .as(
                    "HardState regressed: Commit %d -> %d",
                    persisted.getCommit(), rd.hardState().getCommit())
                .isFalse();
          } finally {
            n.stop();
          }
        });
  }

  /** SoftState compares by value, as etcd's SoftState.equal. */
  @Test
  void softStateEqual() {
    record Case(SoftState st, boolean we) {}
    List<Case> tests =
        List.of(
            new Case(new SoftState(0, StateType.STATE_FOLLOWER), true),
            new Case(new SoftState(1, StateType.STATE_FOLLOWER), false),
            new Case(new SoftState(0, StateType.STATE_LEADER), false),
            new Case(new SoftState(1, StateType.STATE_LEADER), false));
    SoftState empty = new SoftState(0, StateType.STATE_FOLLOWER);
    for (Case tt : tests) {
      assertThat(tt.st().equals(empty)).as("%s", tt.st()).isEqualTo(tt.we());
    }
  }
}
