package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Groups that persist through DurableStorage: restart from the data directory. */
final class DurableRaftServerTest {

  @TempDir Path dir;

  @Test
  void restartedServer_rebuildsItsStateMachineFromSnapshotAndLog_andCatchesUp() throws Exception {
    GroupOptions options = GroupOptions.of(7, 1, 2, 3).withSnapshots(30, 0, 5);
    SimCluster c = new SimCluster(21, dir);
    c.startAll(3, options);
    long leader = c.awaitLeader(7);
    for (int round = 0; round < 5; round++) { // in rounds, so that snapshots come one by one
      c.await(c.proposeMany(leader, 7, "a" + round + "-", 20), 100);
    }
    long restarted = leader == 3 ? 2 : 3;
    assertThat(c.runUntil(() -> c.machine(restarted, 7).commands.size() == 100, 50)).isTrue();
    assertThat(c.servers.get(restarted).storedGroups()).containsExactly(7L);
    c.stop(restarted);
    try (var files =
        Files.list(dir.resolve("s" + restarted).resolve("groups/0000000000000007/sm"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".smsnap")))
          .as("the newest state machine snapshot and the one before it, no more")
          .hasSize(2);
    }

    c.await(c.proposeMany(leader, 7, "b", 50), 100);

    c.start(restarted);
    c.create(restarted, options);
    LogStateMachine sm = c.machine(restarted, 7);
    c.scheduler.runUntilIdle(); // no time passes: nothing from the leader yet
    assertThat(sm.restores).as("restored from its own snapshot").isEqualTo(1);
    assertThat(sm.commands).as("then replayed its committed log").hasSize(100);
    assertThat(c.runUntil(() -> sm.commands.size() == 150, 100)).isTrue();
    assertThat(sm.commands).isEqualTo(c.machine(leader, 7).commands);
    assertThat(c.servers.get(leader).metrics().get("saves")).isPositive();
  }

  /**
   * A follower's acknowledgement leaves from the storage stage once its write is durable, not from
   * the next turn of its loop: every {@code MsgAppResp} a follower sends while commands are
   * replicated is sent by a task of a {@code storage-*} executor.
   */
  @Test
  void followersAcknowledgeAppends_fromTheStorageStage() throws Exception {
    ManualScheduler scheduler = new ManualScheduler(23);
    String[] running = {"none"};
    Scheduler named =
        new WrappingScheduler(
            scheduler,
            (name, executor) ->
                task ->
                    executor.execute(
                        () -> {
                          String outer = running[0];
                          running[0] = name;
                          try {
                            task.run();
                          } finally {
                            running[0] = outer;
                          }
                        }));
    SimCluster c = new SimCluster(scheduler, named, dir);
    List<String> ackSenders = new ArrayList<>();
    c.network.setFilter(
        batch -> {
          for (Message m : batch.messages()) {
            if (m.getType() == MessageType.MsgAppResp) {
              ackSenders.add(running[0]);
            }
          }
          return true;
        });
    c.startAll(3, GroupOptions.of(5, 1, 2, 3));
    long leader = c.awaitLeader(5);
    ackSenders.clear();

    List<CompletableFuture<Applied>> fs = c.proposeMany(leader, 5, "x", 10);
    c.await(fs, 100);

    assertThat(ackSenders).isNotEmpty().allMatch(name -> name.startsWith("storage-"));
    assertThat(
            c.runUntil(
                () ->
                    c.machine(1, 5).commands.size() == 10
                        && c.machine(2, 5).commands.size() == 10
                        && c.machine(3, 5).commands.size() == 10,
                50))
        .as("every member applies the 10 commands")
        .isTrue();
  }

  /**
   * A transport that throws while the storage stage hands it acks loses those acks, as a network
   * loses messages: the write stays durable, the group keeps running and the leader's next round
   * gets the entries acknowledged.
   */
  @Test
  void anAckTheTransportFailsToSend_isLostLikeAMessage_notAStorageFailure() throws Exception {
    SimCluster c = new SimCluster(24, dir);
    int[] failuresLeft = {3};
    c.transports =
        t ->
            new ForwardingTransport(t) {
              @Override
              public void send(long to, MessageBatch batch) {
                boolean acks =
                    batch.messages().stream().anyMatch(m -> m.getType() == MessageType.MsgAppResp);
                if (acks && failuresLeft[0] > 0) {
                  failuresLeft[0]--;
                  throw new IllegalStateException("injected send failure");
                }
                super.send(to, batch);
              }
            };
    c.startAll(3, GroupOptions.of(6, 1, 2, 3));
    long leader = c.awaitLeader(6);

    c.await(c.proposeMany(leader, 6, "y", 20), 100);

    assertThat(failuresLeft[0]).as("the injected failures happened").isZero();
    for (long id = 1; id <= 3; id++) {
      long member = id;
      assertThat(c.runUntil(() -> c.machine(member, 6).commands.size() == 20, 50))
          .as("member %d applies every command", member)
          .isTrue();
      assertThat(c.servers.get(id).group(6).status().leader()).isEqualTo(leader);
    }
  }

  @Test
  void wholeClusterRestart_keepsEveryAcknowledgedCommand() throws Exception {
    GroupOptions options = GroupOptions.of(9, 1, 2, 3).withSnapshots(25, 0, 5);
    SimCluster c = new SimCluster(22, dir);
    c.startAll(3, options);
    long leader = c.awaitLeader(9);
    List<CompletableFuture<Applied>> fs = c.proposeMany(leader, 9, "c", 60);
    List<Applied> acked = c.await(fs, 100);
    for (long id = 1; id <= 3; id++) {
      c.stop(id);
    }
    SimCluster again = new SimCluster(23, dir);
    for (long id = 1; id <= 3; id++) {
      again.start(id);
      again.create(id, options);
    }
    long l2 = again.awaitLeader(9);
    CompletableFuture<Object> read =
        again.servers.get(l2).group(9).read("size", ReadPolicy.LINEARIZABLE);
    again.await(List.of(read), 50);
    assertThat((Integer) read.join()).isGreaterThanOrEqualTo(60);
    for (Applied a : acked) {
      int pos = (Integer) a.result();
      assertThat(again.machine(l2, 9).commands.get(pos)).isEqualTo(cmd("c" + pos));
    }
  }

  @Test
  void storageObserver_seesEachWriteBeforeAndAfter_andWhatARestartRecovers() throws Exception {
    GroupOptions options = GroupOptions.of(11, 1, 2, 3);
    List<String> events = new ArrayList<>();
    List<Long> savedIndexes = new ArrayList<>();
    StorageObserver observer =
        new StorageObserver() {
          @Override
          public void opened(long groupId, HardState hs, MemoryStorage log) {
            events.add("opened " + groupId + " term " + hs.getTerm() + " last " + log.lastIndex());
          }

          @Override
          public void saving(long groupId, HardState hs, List<Entry> entries, Snapshot snap) {
            events.add("saving");
          }

          @Override
          public void saved(long groupId, HardState hs, List<Entry> entries, Snapshot snap) {
            events.add("saved");
            for (Entry e : entries) {
              savedIndexes.add(e.getIndex());
            }
          }
        };
    int[] starts = {0};
    // servers start in the order 1, 2, 3, then 1 again: only server 1 is observed
    SimCluster c =
        new SimCluster(24, dir, b -> ++starts[0] % 3 == 1 ? b.storageObserver(observer) : b);
    c.startAll(3, options);
    assertThat(events).containsExactly("opened 11 term 0 last 0");
    long leader = c.awaitLeader(11);
    CompletableFuture<Applied> f = c.servers.get(leader).group(11).propose(cmd("x"));
    c.await(List.of(f), 50);
    long index = f.join().index();
    assertThat(c.runUntil(() -> savedIndexes.contains(index), 50)).isTrue();
    // every write is reported before and after, one at a time
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i)).isEqualTo(i % 2 == 1 ? "saving" : "saved");
    }
    c.stop(1);
    events.clear();
    c.start(1);
    c.create(1, options);
    assertThat(events).hasSize(1);
    assertThat(events.get(0)).startsWith("opened 11 term ").doesNotContain("term 0 ");
    long last = Long.parseLong(events.get(0).substring(events.get(0).lastIndexOf(' ') + 1));
    assertThat(last)
        .as("the recovered log holds the acknowledged entry")
        .isGreaterThanOrEqualTo(index);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the bug was a hot loop
  void memberAddedAfterTheNewestSnapshot_catchesUp_fromASnapshotThatHoldsIt() throws Exception {
    GroupOptions options = GroupOptions.of(13, 1, 2, 3).withSnapshots(10, 0, 2);
    SimCluster c = new SimCluster(25, Path.of("/data"));
    for (long id = 1; id <= 4; id++) {
      c.fs.put(id, new io.raftj.wal.CrashFs()); // in memory: the failure mode below is a hot loop
    }
    c.startAll(3, options);
    long leader = c.awaitLeader(13);
    c.await(
        c.proposeMany(leader, 13, "d", 25), 100); // snapshots, and the log compacted behind them
    c.runTicks(5);
    c.start(4);
    c.create(4, GroupOptions.joining(13).withSnapshots(10, 0, 2));
    CompletableFuture<Membership> added = c.servers.get(leader).group(13).addLearner(4);
    // Nothing more is proposed: the leader's newest snapshot predates the change unless one
    // follows it, and member 4 refuses a snapshot whose configuration lacks it, at once, again
    // and again. So run task by task, with a bound, instead of until idle.
    int tasks = 0;
    while (tasks < 200_000 && !(added.isDone() && c.machine(4, 13).commands.size() == 25)) {
      if (c.scheduler.runNext()) {
        tasks++;
      } else {
        c.scheduler.advance(SimCluster.TICK / 10);
      }
    }
    assertThat(added).isCompleted();
    assertThat(c.machine(4, 13).commands)
        .as("the new member caught up")
        .isEqualTo(c.machine(leader, 13).commands)
        .hasSize(25);
    // from a snapshot, and its status says so even when no entry follows the snapshot
    assertThat(c.machine(4, 13).restores).isPositive();
    GroupStatus lead = c.servers.get(leader).group(13).status();
    assertThat(
            c.runUntil(() -> c.servers.get(4L).group(13).status().applied() >= lead.commit(), 20))
        .as("status of member 4: %s, leader: %s", c.servers.get(4L).group(13).status(), lead)
        .isTrue();
  }
}
