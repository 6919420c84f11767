package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Ports the essentials of etcd's node_test.go. */
final class NodeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Ready takeReady(Node n) throws InterruptedException {
    Ready rd = n.pollReady(10, TimeUnit.SECONDS);
    assertThat(rd).as("a Ready within 10s").isNotNull();
    return rd;
  }

  /** Drives a single-voter node until it is leader, persisting each Ready. */
  private static void electSingleVoter(Node n, MemoryStorage s) throws Exception {
    n.campaign().get();
    while (true) {
      Ready rd = takeReady(n);
      s.append(rd.entries());
      n.advance();
      if (rd.softState() != null && rd.softState().lead() == 1) {
        return;
      }
    }
  }

  /** A started node bootstraps its conf change, campaigns, and commits a proposal. */
  @Test
  void nodeStart() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          ConfChange cc =
              ConfChange.newBuilder()
                  .setType(ConfChangeType.ConfChangeAddNode)
                  .setNodeId(1)
                  .build();
          Entry ccEntry =
              Entry.newBuilder()
                  .setType(EntryType.EntryConfChange)
                  .setTerm(1)
                  .setIndex(1)
                  .setData(cc.toByteString())
                  .build();
          MemoryStorage storage = new MemoryStorage(RaftLogger.discard());
          Node n = Node.start(newTestConfig(1, 10, 1, storage), List.of(Peer.of(1)));
          try {
            Ready rd = takeReady(n);
            assertThat(rd.hardState())
                .isEqualTo(HardState.newBuilder().setTerm(1).setVote(0).setCommit(1).build());
            assertThat(rd.entries()).containsExactly(ccEntry);
            assertThat(rd.committedEntries()).containsExactly(ccEntry);
            assertThat(rd.mustSync()).isTrue();
            storage.append(rd.entries());
            n.advance();

            n.campaign().get();
            rd = takeReady(n); // persist the vote
            storage.append(rd.entries());
            n.advance();
            rd = takeReady(n); // append the empty entry
            storage.append(rd.entries());
            n.advance();

            n.propose(bytes("foo")).get();
            rd = takeReady(n);
            assertThat(rd.hardState())
                .isEqualTo(HardState.newBuilder().setTerm(2).setVote(1).setCommit(2).build());
            assertThat(rd.entries())
                .containsExactly(
                    Entry.newBuilder().setTerm(2).setIndex(3).setData(bytes("foo")).build());
            assertThat(rd.committedEntries())
                .containsExactly(Entry.newBuilder().setTerm(2).setIndex(2).build());
            assertThat(rd.mustSync()).isTrue();
            storage.append(rd.entries());
            n.advance();

            rd = takeReady(n);
            assertThat(rd.hardState())
                .isEqualTo(HardState.newBuilder().setTerm(2).setVote(1).setCommit(3).build());
            assertThat(rd.entries()).isEmpty();
            assertThat(rd.committedEntries())
                .containsExactly(
                    Entry.newBuilder().setTerm(2).setIndex(3).setData(bytes("foo")).build());
            assertThat(rd.mustSync()).isFalse();
            n.advance();
          } finally {
            n.stop();
          }
        });
  }

  /** A restarted node hands out the committed but unapplied entries, without a hard state. */
  @Test
  void nodeRestart() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          List<Entry> entries =
              List.of(
                  RaftTestUtil.entry(1, 1),
                  Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("foo")).build());
          MemoryStorage storage = newTestMemoryStorage(withPeers(1));
          storage.setHardState(HardState.newBuilder().setTerm(1).setCommit(1).build());
          storage.append(entries);
          Node n = Node.restart(newTestConfig(1, 10, 1, storage));
          try {
            Ready rd = takeReady(n);
            assertThat(rd)
                .isEqualTo(
                    new Ready(
                        null,
                        HardState.getDefaultInstance(),
                        List.of(),
                        List.of(),
                        Snapshot.getDefaultInstance(),
                        entries.subList(0, 1),
                        List.of(),
                        false));
            n.advance();
          } finally {
            n.stop();
          }
        });
  }

  @Test
  void nodeRestartFromSnapshot() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = new MemoryStorage(RaftLogger.discard());
          s.setHardState(HardState.newBuilder().setTerm(1).setCommit(3).build());
          s.applySnapshot(
              Snapshot.newBuilder()
                  .setMetadata(
                      SnapshotMetadata.newBuilder()
                          .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2))
                          .setIndex(2)
                          .setTerm(1))
                  .build());
          List<Entry> entries =
              List.of(Entry.newBuilder().setTerm(1).setIndex(3).setData(bytes("foo")).build());
          s.append(entries);
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            Ready rd = takeReady(n);
            assertThat(rd.committedEntries()).isEqualTo(entries);
            assertThat(rd.hardState()).isEqualTo(HardState.getDefaultInstance());
            assertThat(rd.mustSync()).isFalse();
          } finally {
            n.stop();
          }
        });
  }

  /** A proposal waits while there is no leader and goes through once one is elected. */
  @Test
  void blockProposal() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            CompletableFuture<Void> f = n.propose(bytes("somedata"));
            // The status round trip passes the proposal in the inbox: it is parked, not done.
            n.status().get();
            assertThat(f).isNotDone();
            electSingleVoter(n, s);
            f.get();
            assertThat(f).isCompleted();
          } finally {
            n.stop();
          }
        });
  }

  /** A follower that does not forward proposals reports them dropped. */
  @Test
  void nodeProposeWaitDropped() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
          Node n = Node.restart(newTestConfig(1, 10, 1, s).setDisableProposalForwarding(true));
          try {
            // Learn of leader 2 by a heartbeat.
            n.step(
                    io.raftj.raft.raftpb.Message.newBuilder()
                        .setType(io.raftj.raft.raftpb.MessageType.MsgHeartbeat)
                        .setFrom(2)
                        .setTo(1)
                        .setTerm(1)
                        .build())
                .get();
            CompletableFuture<Void> f = n.propose(bytes("test_dropping"));
            assertThatThrownBy(f::get)
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ProposalDroppedException.class);
          } finally {
            n.stop();
          }
        });
  }

  /** Ticks reach the state machine: a single voter elects itself after an election timeout. */
  @Test
  void nodeTick() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            for (int i = 0; i < 20; i++) {
              n.tick();
            }
            while (n.status().get().raftState() != StateType.STATE_LEADER) {
              Ready rd = takeReady(n);
              s.append(rd.entries());
              n.advance();
            }
            assertThat(n.status().get().lead()).isEqualTo(1);
          } finally {
            n.stop();
          }
        });
  }

  /** Stop ends the loop; later calls fail with StoppedException; stop is idempotent. */
  @Test
  void nodeStop() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          Node n = Node.restart(newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1))));
          Status status = n.status().get();
          assertThat(status.id()).isEqualTo(1);
          n.stop();
          assertThatThrownBy(() -> n.status().get()).hasCauseInstanceOf(StoppedException.class);
          assertThatThrownBy(() -> n.propose(bytes("x")).get())
              .hasCauseInstanceOf(StoppedException.class);
          assertThatThrownBy(n::ready).isInstanceOf(StoppedException.class);
          n.stop();
        });
  }

  /** Stopping fails proposals still waiting for a leader. */
  @Test
  void nodeStop_failsWaitingProposals() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          Node n = Node.restart(newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1))));
          CompletableFuture<Void> f = n.propose(bytes("x"));
          n.status().get();
          n.stop();
          assertThatThrownBy(f::get).hasCauseInstanceOf(StoppedException.class);
        });
  }

  /** After advance, the next Ready comes out. */
  @Test
  void nodeAdvance() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            electSingleVoter(n, s);
            n.propose(bytes("foo")).get();
            Ready rd = takeReady(n);
            s.append(rd.entries());
            n.advance();
            assertThat(takeReady(n).committedEntries()).isNotEmpty();
          } finally {
            n.stop();
          }
        });
  }

  /** Conf changes proposed through the node apply and return the new ConfState. */
  @Test
  void nodeProposeConfig() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            electSingleVoter(n, s);
            ConfChange cc =
                ConfChange.newBuilder()
                    .setType(ConfChangeType.ConfChangeAddLearnerNode)
                    .setNodeId(2)
                    .build();
            n.proposeConfChange(ConfChangeI.of(cc)).get();
            ConfState cs = null;
            while (cs == null) {
              Ready rd = takeReady(n);
              s.append(rd.entries());
              for (Entry e : rd.committedEntries()) {
                if (e.getType() == EntryType.EntryConfChange) {
                  cs = n.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData()))).get();
                }
              }
              n.advance();
            }
            assertThat(cs.getVotersList()).containsExactly(1L);
            assertThat(cs.getLearnersList()).containsExactly(2L);
          } finally {
            n.stop();
          }
        });
  }

  /** A malformed peer message fails its own future and leaves the node's loop running. */
  @Test
  void step_negativeTerm_failsTheFutureAndTheNodeGoesOn() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          try {
            Message bad =
                Message.newBuilder()
                    .setType(MessageType.MsgApp)
                    .setFrom(2)
                    .setTo(1)
                    .setTerm(-1)
                    .build();
            assertThatThrownBy(() -> n.step(bad).get())
                .hasCauseInstanceOf(IllegalArgumentException.class);
            electSingleVoter(n, s);
            n.propose(bytes("after")).get();
          } finally {
            n.stop();
          }
        });
  }
}
