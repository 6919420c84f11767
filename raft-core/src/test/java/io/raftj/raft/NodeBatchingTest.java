package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Node}'s batched inbox and the proposals without a future: deterministic tests run the loop
 * on an executor the test drives; the last tests use real threads.
 */
final class NodeBatchingTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Runs the node's tasks only when the test says so, and counts them. */
  private static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    int submitted;

    @Override
    public void execute(Runnable task) {
      submitted++;
      tasks.add(task);
    }

    void runAll() {
      Runnable t;
      while ((t = tasks.poll()) != null) {
        t.run();
      }
    }
  }

  /** Records the drops reported to the listener. */
  private static final class Drops implements Node.ProposalDropListener {
    final List<List<ByteString>> payloads = new ArrayList<>();
    final List<RuntimeException> causes = new ArrayList<>();

    @Override
    public synchronized void dropped(List<ByteString> p, RuntimeException cause) {
      payloads.add(List.copyOf(p));
      causes.add(cause);
    }
  }

  /** With a direct executor every call runs the loop at once: the Ready is there or not. */
  private static Ready readyNow(Node n) {
    CompletableFuture<Ready> f = n.readyAsync();
    assertThat(f).as("a Ready at once").isDone();
    return f.join();
  }

  /** Handles Readys until there are none; returns the committed entries. */
  private static List<Entry> drainNow(Node n, MemoryStorage s) {
    List<Entry> committed = new ArrayList<>();
    while (true) {
      CompletableFuture<Ready> f = n.readyAsync();
      if (!f.isDone()) {
        f.cancel(false);
        return committed;
      }
      Ready rd = f.join();
      if (!Util.isEmptyHardState(rd.hardState())) {
        s.setHardState(rd.hardState());
      }
      s.append(rd.entries());
      committed.addAll(rd.committedEntries());
      n.advance();
    }
  }

  /**
   * Member {@code id} of voters 1 and 2, its loop run by each caller, drops told to {@code drops}.
   */
  private static Node directNode(long id, Drops drops) {
    Node n =
        Node.restart(
            newTestConfig(id, 10, 1, newTestMemoryStorage(withPeers(1, 2))), Runnable::run, 16);
    n.setProposalDropListener(drops);
    return n;
  }

  private static Node singleVoterLeader(MemoryStorage s, Executor executor, int capacity) {
    Node n = Node.restart(newTestConfig(1, 10, 1, s), executor, capacity);
    n.campaign();
    drainNow(n, s);
    assertThat(n.status().join().raftState()).isEqualTo(StateType.STATE_LEADER);
    return n;
  }

  @Test
  void proposeAndForget_eventsBeforeTheLoopRuns_oneTaskHandlesThemAllInOrder() {
    ManualExecutor ex = new ManualExecutor();
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    Node n = Node.restart(newTestConfig(1, 10, 1, s), ex, 1024);
    n.campaign();
    ex.runAll();
    while (true) {
      CompletableFuture<Ready> f = n.readyAsync();
      ex.runAll();
      if (!f.isDone()) {
        f.cancel(false);
        break;
      }
      s.append(f.join().entries());
      n.advance();
      ex.runAll();
    }
    int before = ex.submitted;

    for (int i = 0; i < 100; i++) {
      n.proposeAndForget(bytes("p" + i));
    }
    CompletableFuture<Ready> f = n.readyAsync();

    assertThat(ex.submitted - before).as("tasks for 101 events").isEqualTo(1);
    ex.runAll();
    List<Entry> ents = f.join().entries();
    assertThat(ents).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(ents.get(i).getData()).isEqualTo(bytes("p" + i));
    }
    assertThat(n.droppedProposals()).isZero();
    // No stop(): it would wait for a task that only this thread can run. The node has no thread.
  }

  @Test
  void proposeBatch_withFuture_oneRangeOfEntries() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    Node n = singleVoterLeader(s, Runnable::run, 16);

    CompletableFuture<Void> f = n.propose(List.of(bytes("a"), bytes("b")));

    assertThat(f).isCompleted();
    assertThat(readyNow(n).entries())
        .extracting(Entry::getData)
        .containsExactly(bytes("a"), bytes("b"));
    n.stop();
  }

  @Test
  void proposeAndForget_overUncommittedBudget_countedAndReported() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    Node n =
        Node.restart(newTestConfig(1, 10, 1, s).setMaxUncommittedEntriesSize(4), Runnable::run, 16);
    Drops drops = new Drops();
    n.setProposalDropListener(drops);
    n.campaign();
    drainNow(n, s);
    n.stepAndForget(
        Message.newBuilder()
            .setType(MessageType.MsgVoteResp)
            .setFrom(2)
            .setTo(1)
            .setTerm(1)
            .build());
    drainNow(n, s);

    n.proposeAndForget(bytes("xxx")); // accepted: nothing uncommitted yet
    n.proposeAndForget(List.of(bytes("y"), bytes("z"))); // 3 + 2 > 4: dropped whole
    n.proposeAndForget(bytes("w")); // 3 + 1 fits

    assertThat(n.droppedProposals()).isEqualTo(1);
    assertThat(drops.payloads).containsExactly(List.of(bytes("y"), bytes("z")));
    assertThat(drops.causes).containsExactly(ProposalDroppedException.INSTANCE);
    assertThat(readyNow(n).entries())
        .extracting(Entry::getData)
        .containsExactly(bytes("xxx"), bytes("w"));
    n.stop();
  }

  @Test
  void proposeAndForget_waitingForLeader_reportedStoppedOnStopAndAfter() {
    Drops drops = new Drops();
    Node n = directNode(1, drops);

    n.proposeAndForget(bytes("a"));
    n.proposeAndForget(List.of(bytes("b"), bytes("c")));
    assertThat(n.droppedProposals()).as("waiting for a leader, not dropped").isZero();

    n.stop();
    n.proposeAndForget(bytes("d"));

    assertThat(drops.payloads)
        .containsExactly(List.of(bytes("a")), List.of(bytes("b"), bytes("c")), List.of(bytes("d")));
    assertThat(drops.causes).allMatch(c -> c == StoppedException.INSTANCE);
    assertThat(n.droppedProposals()).isEqualTo(3);
  }

  /** The leader's (node 1, term 1) append of entry {@code index} to node 2, after its previous. */
  private static Message append(long index) {
    return Message.newBuilder()
        .setType(MessageType.MsgApp)
        .setFrom(1)
        .setTo(2)
        .setTerm(1)
        .setIndex(index - 1)
        .setLogTerm(index == 1 ? 0 : 1)
        .addEntries(
            Entry.newBuilder().setTerm(1).setIndex(index).setData(bytes("e" + index)).build())
        .build();
  }

  @Test
  void stepAndForget_oneByOne_aWaitingHostGetsTheFirstAppendInAReadyOfItsOwn() {
    Node n = directNode(2, new Drops());
    CompletableFuture<Ready> waiting = n.readyAsync();

    n.stepAndForget(append(1));
    n.stepAndForget(append(2));
    n.stepAndForget(append(3));

    assertThat(waiting.join().entries()).extracting(Entry::getIndex).containsExactly(1L);
    n.stop();
  }

  @Test
  void stepAndForget_aList_isSteppedWholeBeforeTheNextReady() {
    Node n = directNode(2, new Drops());
    CompletableFuture<Ready> waiting = n.readyAsync();
    Message foreignLocal =
        Message.newBuilder().setType(MessageType.MsgHup).setFrom(1).setTo(2).build();

    n.stepAndForget(List.of(append(1), foreignLocal, append(2), append(3)));

    Ready rd = waiting.join();
    assertThat(rd.entries()).extracting(Entry::getIndex).containsExactly(1L, 2L, 3L);
    assertThat(rd.messages())
        .extracting(Message::getType, Message::getIndex)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(MessageType.MsgAppResp, 1L),
            org.assertj.core.groups.Tuple.tuple(MessageType.MsgAppResp, 2L),
            org.assertj.core.groups.Tuple.tuple(MessageType.MsgAppResp, 3L));
    assertThat(rd.softState().raftState())
        .as("the local MsgHup from outside was dropped, not stepped")
        .isEqualTo(StateType.STATE_FOLLOWER);
    n.stop();
  }

  @Test
  void stepAndForget_aListOnAStoppedNode_reportsItsProposalsDropped() {
    Drops drops = new Drops();
    Node n = directNode(1, drops);
    n.stop();
    Message prop =
        Message.newBuilder()
            .setType(MessageType.MsgProp)
            .setFrom(2)
            .setTo(1)
            .addEntries(Entry.newBuilder().setData(bytes("forwarded")))
            .build();

    n.stepAndForget(List.of(append(1), prop));

    assertThat(drops.payloads).containsExactly(List.of(bytes("forwarded")));
    assertThat(drops.causes).containsExactly(StoppedException.INSTANCE);
    assertThat(n.droppedProposals()).isEqualTo(1);
  }

  @Test
  void proposeAndForget_moreWaitingThanCapacity_dropped() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    Node n = Node.restart(newTestConfig(1, 10, 1, s), Runnable::run, 2);
    Drops drops = new Drops();
    n.setProposalDropListener(drops);

    n.proposeAndForget(bytes("a"));
    n.proposeAndForget(bytes("b"));
    n.proposeAndForget(bytes("c"));

    assertThat(drops.payloads).containsExactly(List.of(bytes("c")));
    assertThat(drops.causes).containsExactly(ProposalDroppedException.INSTANCE);
    n.stop();
  }

  @Test
  void proposeAndForget_nullPayload_entryWithoutData() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    Node n = singleVoterLeader(s, Runnable::run, 16);
    n.proposeAndForget((ByteString) null);
    Entry e = readyNow(n).entries().get(0);
    assertThat(e.hasData()).isFalse();
    n.stop();
  }

  @Test
  void proposeAndForget_listenerThrows_loopGoesOn() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2));
    Node n = Node.restart(newTestConfig(1, 10, 1, s), Runnable::run, 1);
    n.setProposalDropListener(
        (p, c) -> {
          throw new IllegalStateException("boom");
        });
    n.proposeAndForget(bytes("a")); // waits for a leader
    n.proposeAndForget(bytes("b")); // over capacity: dropped, and the listener throws
    assertThat(n.droppedProposals()).isEqualTo(1);
    assertThat(n.status()).isCompleted();
    n.stop();
  }

  /** A call whose event the loop may take from the inbox just as the node is stopped. */
  private enum Late {
    READY,
    STATUS,
    PROPOSE,
    PROPOSE_AND_FORGET,
    STEP,
    APPLY_CONF_CHANGE
  }

  /**
   * The race of a stop() that lands after the loop took an event and before it handled it: the
   * event must fail (or, without a future, be reported dropped), never vanish. A host waiting in
   * ready() at that moment used to wait forever. The hook stops the node exactly there.
   */
  @ParameterizedTest
  @EnumSource(Late.class)
  void stop_afterTheLoopTookAnEvent_eventFailsWithStopped(Late late) {
    MemoryStorage s = newTestMemoryStorage(withPeers(1));
    Node n = singleVoterLeader(s, Runnable::run, 16);
    Drops drops = new Drops();
    n.setProposalDropListener(drops);
    n.afterTake(
        () -> {
          n.afterTake(null);
          n.requestStop(); // on the loop, between taking the event and handling it
        });

    CompletableFuture<?> f =
        switch (late) {
          case READY -> n.readyAsync();
          case STATUS -> n.status();
          case PROPOSE -> n.propose(bytes("a"));
          case PROPOSE_AND_FORGET -> {
            n.proposeAndForget(bytes("a"));
            yield null;
          }
          case STEP -> n.campaign();
          case APPLY_CONF_CHANGE ->
              n.applyConfChange(
                  ConfChangeI.of(
                      ConfChange.newBuilder()
                          .setType(ConfChangeType.ConfChangeAddNode)
                          .setNodeId(2)
                          .build()));
        };

    if (f == null) {
      assertThat(drops.payloads).containsExactly(List.of(bytes("a")));
      assertThat(drops.causes).containsExactly(StoppedException.INSTANCE);
    } else {
      assertThat(f).as("the taken event's future").isDone();
      assertThat(f.handle((v, ex) -> ex).join()).isSameAs(StoppedException.INSTANCE);
    }
    n.stop(); // the loop has ended: returns at once
  }

  /** Producers on real threads; every proposal is committed once, each producer's in its order. */
  @Test
  void proposeAndForget_concurrentProducers_allCommittedInProducerOrder() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s), null, 64);
          n.campaign().get();
          int producers = 4;
          int each = 2000;
          List<Thread> threads = new ArrayList<>();
          for (int p = 0; p < producers; p++) {
            int id = p;
            threads.add(
                new Thread(
                    () -> {
                      for (int i = 0; i < each; i++) {
                        if (i % 10 == 9) {
                          n.proposeAndForget(
                              List.of(bytes(id + ":" + i + "a"), bytes(id + ":" + i + "b")));
                        } else {
                          n.proposeAndForget(bytes(id + ":" + i));
                        }
                      }
                    }));
          }
          boolean started = false;
          Map<Integer, List<Integer>> seen = new HashMap<>();
          int committed = 0;
          int want = producers * (each + each / 10);
          while (committed < want) {
            Ready rd = n.pollReady(10, TimeUnit.SECONDS);
            assertThat(rd).as("a Ready within 10s at %d of %d", committed, want).isNotNull();
            s.append(rd.entries());
            for (Entry e : rd.committedEntries()) {
              if (e.getData().isEmpty()) {
                continue; // the election's empty entry
              }
              String[] parts = e.getData().toStringUtf8().split(":");
              String seq = parts[1];
              int i = Integer.parseInt(seq.replaceAll("[ab]$", ""));
              List<Integer> mine =
                  seen.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>());
              if (!seq.endsWith("b")) {
                mine.add(i);
              }
              committed++;
            }
            n.advance();
            if (!started && rd.softState() != null && rd.softState().lead() == 1) {
              started = true;
              threads.forEach(Thread::start);
            }
          }
          for (Thread t : threads) {
            t.join();
          }
          for (int p = 0; p < producers; p++) {
            List<Integer> mine = seen.get(p);
            assertThat(mine).hasSize(each);
            for (int i = 0; i < each; i++) {
              assertThat(mine.get(i)).isEqualTo(i);
            }
          }
          assertThat(n.droppedProposals()).isZero();
          n.stop();
        });
  }

  /** Futures and futureless proposals from several threads, with the host on another. */
  @Test
  void propose_futuresFromThreads_allCompleteNormally() {
    assertTimeoutPreemptively(
        TIMEOUT,
        () -> {
          MemoryStorage s = newTestMemoryStorage(withPeers(1));
          Node n = Node.restart(newTestConfig(1, 10, 1, s));
          CompletableFuture<Void> elected = new CompletableFuture<>();
          Thread host =
              new Thread(
                  () -> {
                    try {
                      while (true) {
                        Ready rd = n.ready();
                        s.append(rd.entries());
                        n.advance();
                        if (rd.softState() != null && rd.softState().lead() == 1) {
                          elected.complete(null);
                        }
                      }
                    } catch (StoppedException | InterruptedException e) {
                      // done
                    }
                  });
          host.start();
          n.campaign().get();
          elected.get();
          List<CompletableFuture<Void>> futures = new ArrayList<>();
          List<Thread> threads = new ArrayList<>();
          for (int p = 0; p < 3; p++) {
            threads.add(
                new Thread(
                    () -> {
                      for (int i = 0; i < 500; i++) {
                        CompletableFuture<Void> f =
                            i % 2 == 0
                                ? n.propose(bytes("x"))
                                : n.propose(List.of(bytes("y"), bytes("z")));
                        synchronized (futures) {
                          futures.add(f);
                        }
                      }
                    }));
          }
          threads.forEach(Thread::start);
          for (Thread t : threads) {
            t.join();
          }
          CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get();
          assertThat(futures)
              .hasSize(1500)
              .allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
          n.stop();
          host.join();
        });
  }
}
