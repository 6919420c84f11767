package io.raftj.server;

import static io.raftj.server.SimCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Runs on asynchronous storage writes; {@link RaftServerInlineReadyTest} runs it all again. */
class RaftServerTest {

  /** What the subclass changes in every group's options. */
  GroupOptions mode(GroupOptions options) {
    return options;
  }

  private SimCluster cluster(SimCluster c) {
    c.groupOptions = this::mode;
    return c;
  }

  private SimCluster threeMembers(long seed, GroupOptions options) throws Exception {
    return cluster(new SimCluster(seed, null)).startAll(3, options);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isDone();
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void threeMembers_proposalsResolveWithIndexTermAndResult() throws Exception {
    SimCluster c = threeMembers(1, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    List<Applied> out = c.await(c.proposeMany(leader, 7, "c", 100), 50);
    for (int i = 0; i < out.size(); i++) {
      assertThat(out.get(i).result()).isEqualTo(i);
      assertThat(out.get(i).term()).isEqualTo(g.status().term());
      if (i > 0) {
        assertThat(out.get(i).index()).isEqualTo(out.get(i - 1).index() + 1);
      }
    }
    assertThat(
            c.runUntil(
                () ->
                    c.machine(1, 7).commands.size() == 100
                        && c.machine(2, 7).commands.size() == 100
                        && c.machine(3, 7).commands.size() == 100,
                50))
        .isTrue();
    assertThat(c.machine(1, 7).commands)
        .isEqualTo(c.machine(2, 7).commands)
        .isEqualTo(c.machine(3, 7).commands);
  }

  @Test
  void applyOnLoopThread_givesTheSameResults_andSnapshotsStillCatchUpAFollower() throws Exception {
    SimCluster c =
        threeMembers(
            15, GroupOptions.of(7, 1, 2, 3).withApplyOnLoopThread(true).withSnapshots(20, 0, 5));
    long leader = c.awaitLeader(7);
    long lagging = leader == 3 ? 2 : 3;
    c.network.isolate(lagging);
    RaftGroup g = c.servers.get(leader).group(7);
    List<Applied> out = c.await(c.proposeMany(leader, 7, "c", 100), 50);
    for (int i = 0; i < out.size(); i++) {
      assertThat(out.get(i).result()).isEqualTo(i);
    }
    c.network.heal();
    assertThat(c.runUntil(() -> c.machine(lagging, 7).commands.size() == 100, 100)).isTrue();
    assertThat(c.machine(lagging, 7).restores).isPositive();
    CompletableFuture<Object> all = c.servers.get(lagging).group(7).read("all", ReadPolicy.LOCAL);
    assertThat(c.await(List.of(all), 5).get(0)).isEqualTo(c.machine(leader, 7).commands);
  }

  @Test
  void malformedMessagesFromAPeer_areDropped_andTheGroupGoesOn() throws Exception {
    SimCluster c = threeMembers(16, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long follower = leader == 1 ? 2 : 1;
    long other = 6 - leader - follower;
    io.raftj.raft.raftpb.Message bad =
        io.raftj.raft.raftpb.Message.newBuilder()
            .setType(io.raftj.raft.raftpb.MessageType.MsgApp)
            .setFrom(other)
            .setTo(follower)
            .setTerm(-5)
            .setIndex(-1)
            .build();
    io.raftj.raft.raftpb.Message local =
        io.raftj.raft.raftpb.Message.newBuilder()
            .setType(io.raftj.raft.raftpb.MessageType.MsgStorageAppend)
            .setFrom(other)
            .setTo(follower)
            .build();
    c.network.inject(
        new MessageBatch(other, follower, new long[] {7, 7}, List.of(bad, local), List.of()));
    c.scheduler.runUntilIdle();
    assertThat(c.servers.get(follower).group(7).status().leader()).isEqualTo(leader);
    CompletableFuture<Applied> f = c.servers.get(leader).group(7).propose(cmd("after"));
    c.await(List.of(f), 20);
    assertThat(c.runUntil(() -> c.machine(follower, 7).commands.contains(cmd("after")), 20))
        .isTrue();
  }

  @Test
  void proposalOnFollower_failsWithTheLeaderAsHint() throws Exception {
    SimCluster c = threeMembers(2, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long follower = leader == 1 ? 2 : 1;
    CompletableFuture<Applied> f = c.servers.get(follower).group(7).propose(cmd("x"));
    c.runUntil(f::isDone, 5);
    Throwable t = failure(f);
    assertThat(t).isInstanceOf(NotLeaderException.class);
    assertThat(((NotLeaderException) t).leaderHint()).isEqualTo(leader);
    assertThat(((NotLeaderException) t).retryable()).isTrue();
  }

  @Test
  void leaderCutOffMidFlight_everyFutureCompletes_andNoFailedOrLostCommandIsApplied()
      throws Exception {
    for (long seed = 10; seed < 20; seed++) {
      SimCluster c =
          threeMembers(
              seed, GroupOptions.of(7, 1, 2, 3).withOperationTimeout(Duration.ofSeconds(5)));
      long leader = c.awaitLeader(7);
      RaftGroup g = c.servers.get(leader).group(7);
      List<CompletableFuture<Applied>> fs = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        fs.add(g.propose(cmd("a" + i)));
      }
      c.scheduler.runUntilIdle();
      c.network.isolate(leader);
      for (int i = 0; i < 50; i++) {
        fs.add(g.propose(cmd("b" + i)));
      }
      long next = c.awaitLeaderOtherThan(7, leader);
      List<CompletableFuture<Applied>> after = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        after.add(c.servers.get(next).group(7).propose(cmd("n" + i)));
      }
      c.network.heal();
      c.await(after, 100);
      assertThat(c.runUntil(() -> fs.stream().allMatch(CompletableFuture::isDone), 100))
          .as("seed %d: every future completes", seed)
          .isTrue();
      assertThat(
              c.runUntil(
                  () -> c.machine(leader, 7).commands.size() == c.machine(next, 7).commands.size(),
                  100))
          .isTrue();
      List<com.google.protobuf.ByteString> applied = c.machine(next, 7).commands;
      assertThat(c.machine(leader, 7).commands).isEqualTo(applied);
      for (int i = 0; i < fs.size(); i++) {
        CompletableFuture<Applied> f = fs.get(i);
        String name = (i < 50 ? "a" : "b") + (i % 50);
        Throwable t = failure(f);
        if (t == null) {
          assertThat(applied.get((Integer) f.join().result())).isEqualTo(cmd(name));
        } else if (t instanceof NotLeaderException || t instanceof ProposalLostException) {
          assertThat(applied)
              .as("seed %d: %s failed with %s but was applied", seed, name, t)
              .doesNotContain(cmd(name));
        } else {
          assertThat(t).isInstanceOf(OutcomeUnknownException.class);
        }
      }
    }
  }

  @Test
  void leaderServerStoppedMidFlight_everyFutureCompletes_andEverySuccessIsInTheNewLog()
      throws Exception {
    for (long seed = 30; seed < 36; seed++) {
      SimCluster c = threeMembers(seed, GroupOptions.of(7, 1, 2, 3));
      long leader = c.awaitLeader(7);
      RaftGroup g = c.servers.get(leader).group(7);
      List<CompletableFuture<Applied>> fs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        fs.add(g.propose(cmd("k" + i)));
        if (i == 50) {
          c.scheduler.runUntilIdle();
        }
      }
      // Stop it part-way: some proposals are committed, some only appended, some only queued.
      for (int i = 0; i < (int) (seed % 5) * 3; i++) {
        if (!c.scheduler.hasReadyTasks()) {
          break;
        }
        c.scheduler.runUntilIdle();
      }
      c.stop(leader);
      assertThat(fs).as("seed %d", seed).allMatch(CompletableFuture::isDone);
      long next = c.awaitLeader(7);
      CompletableFuture<Object> all =
          c.servers.get(next).group(7).read("all", ReadPolicy.LINEARIZABLE);
      c.await(List.of(all), 50);
      @SuppressWarnings("unchecked")
      List<com.google.protobuf.ByteString> log = (List<com.google.protobuf.ByteString>) all.join();
      for (int i = 0; i < fs.size(); i++) {
        if (failure(fs.get(i)) == null) {
          assertThat(log.get((Integer) fs.get(i).join().result())).isEqualTo(cmd("k" + i));
        } else {
          assertThat(failure(fs.get(i))).isInstanceOf(GroupStoppedException.class);
        }
      }
    }
  }

  @Test
  void proposalsOverwrittenByANewLeader_areReportedLost() throws Exception {
    SimCluster c = threeMembers(3, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    c.network.isolate(leader);
    List<CompletableFuture<Applied>> stale = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stale.add(c.servers.get(leader).group(7).propose(cmd("stale" + i)));
    }
    long next = c.awaitLeaderOtherThan(7, leader);
    CompletableFuture<Applied> fresh = c.servers.get(next).group(7).propose(cmd("fresh"));
    c.await(List.of(fresh), 50);
    c.network.heal();
    c.awaitDone(stale, 100);
    for (CompletableFuture<Applied> f : stale) {
      assertThat(failure(f)).isInstanceOf(ProposalLostException.class);
    }
    assertThat(c.machine(next, 7).commands)
        .contains(cmd("fresh"))
        .noneMatch(b -> b.toStringUtf8().startsWith("stale"));
  }

  @Test
  void laggingFollower_isCaughtUpByAStreamedSnapshot() throws Exception {
    SimCluster c = threeMembers(4, GroupOptions.of(7, 1, 2, 3).withSnapshots(40, 0, 10));
    long leader = c.awaitLeader(7);
    long lagging = leader == 3 ? 2 : 3;
    c.network.isolate(lagging);
    RaftGroup g = c.servers.get(leader).group(7);
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // ~70 KiB each, so the snapshot needs several chunks.
      fs.add(
          g.propose(com.google.protobuf.ByteString.copyFrom(new byte[70_000]).concat(cmd("" + i))));
      if (i % 50 == 49) {
        c.await(fs, 100);
      }
    }
    c.await(fs, 100);
    assertThat(c.machine(leader, 7).snapshots).isGreaterThan(0);
    c.network.heal();
    assertThat(c.runUntil(() -> c.machine(lagging, 7).commands.size() == 300, 200)).isTrue();
    assertThat(c.machine(lagging, 7).restores).isGreaterThan(0);
    assertThat(c.machine(lagging, 7).commands).isEqualTo(c.machine(leader, 7).commands);
  }

  @Test
  void memberAddedAfterACompaction_isCaughtUpByASnapshotThatNamesIt() throws Exception {
    SimCluster c = threeMembers(6, GroupOptions.of(7, 1, 2, 3).withSnapshots(20, 0, 5));
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fs.add(g.propose(cmd("before-" + i)));
    }
    c.await(fs, 50);
    assertThat(c.machine(leader, 7).snapshots).isGreaterThan(0);
    // The log is compacted, and the newest snapshot predates member 4: without a snapshot taken
    // after the change, member 4 would ignore every snapshot it is sent.
    c.start(4);
    c.create(4, GroupOptions.joining(7));
    c.await(List.of(g.addVoter(4)), 20);
    assertThat(c.runUntil(() -> c.machine(4L, 7).commands.size() == 50, 100))
        .as("the new member restored a snapshot holding the earlier commands")
        .isTrue();
    assertThat(c.machine(4L, 7).restores).isGreaterThan(0);
  }

  @Test
  void aMembershipChangeIsInTheStatusByTheTimeItsCallerHears() throws Exception {
    // An apply thread may finish the caller's future while the loop thread is still in its turn:
    // apply executors that run at once, inside the loop's turn, make that the only order.
    ManualScheduler manual = new ManualScheduler(5);
    Scheduler applyAtOnce =
        new WrappingScheduler(manual, (name, e) -> name.startsWith("apply-") ? Runnable::run : e);
    SimCluster c =
        cluster(new SimCluster(manual, applyAtOnce, null)).startAll(3, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    CompletableFuture<GroupStatus> seen = g.addLearner(4).thenApply(m -> g.status());
    assertThat(c.await(List.of(seen), 20).get(0).learners()).containsExactly(4L);
    CompletableFuture<GroupStatus> afterRemove = g.remove(4).thenApply(m -> g.status());
    assertThat(c.await(List.of(afterRemove), 20).get(0).learners()).isEmpty();
  }

  @Test
  void membershipChanges_applyAndBadOnesAreRefused() throws Exception {
    SimCluster c = threeMembers(5, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    for (CompletableFuture<Membership> bad :
        List.of(g.addVoter(2), g.addLearner(3), g.promote(1), g.remove(9))) {
      c.awaitDone(List.of(bad), 10);
      assertThat(failure(bad)).isInstanceOf(MembershipChangeException.class);
    }
    c.start(4);
    c.create(4, GroupOptions.joining(7));
    CompletableFuture<Membership> add = g.addLearner(4);
    Membership m = c.await(List.of(add), 20).get(0);
    assertThat(m.learners()).containsExactly(4L);
    assertThat(g.status().learners()).as("status once the change is reported").containsExactly(4L);
    assertThat(c.runUntil(() -> c.servers.get(4L).group(7).status().learners().contains(4L), 50))
        .isTrue();
    Membership promoted = c.await(List.of(g.promote(4)), 20).get(0);
    assertThat(promoted.voters()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(promoted.learners()).isEmpty();
    assertThat(g.status().voters()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(g.status().learners()).isEmpty();
    CompletableFuture<Applied> w = g.propose(cmd("with4"));
    c.await(List.of(w), 20);
    assertThat(c.runUntil(() -> c.machine(4L, 7).commands.contains(cmd("with4")), 50)).isTrue();

    long removed = leader == 1 ? 2 : 1;
    Membership after = c.await(List.of(g.remove(removed)), 20).get(0);
    assertThat(after.voters()).doesNotContain(removed).hasSize(3);
    assertThat(g.status().voters()).isEqualTo(after.voters());
    assertThat(c.runUntil(() -> c.servers.get(removed).group(7) == null, 50))
        .as("a removed member stops")
        .isTrue();
  }

  @Test
  void removingTheLastVoter_isRefused() throws Exception {
    SimCluster c = cluster(new SimCluster(14, null));
    c.start(1);
    RaftGroup g = c.create(1, GroupOptions.of(7, 1));
    c.awaitLeader(7);
    CompletableFuture<Membership> f = g.remove(1);
    c.awaitDone(List.of(f), 10);
    assertThat(failure(f))
        .isInstanceOf(MembershipChangeException.class)
        .hasMessageContaining("last voter");
    CompletableFuture<Applied> still = g.propose(cmd("still here"));
    assertThat(c.await(List.of(still), 10).get(0).result()).isEqualTo(0);
  }

  @Test
  void linearizableRead_seesEveryWriteAcknowledgedBeforeIt_onLeaderAndFollower() throws Exception {
    SimCluster c = threeMembers(6, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long follower = leader == 1 ? 2 : 1;
    RaftGroup g = c.servers.get(leader).group(7);
    c.await(List.of(g.propose(cmd("w1")), g.propose(cmd("w2"))), 20);
    CompletableFuture<Object> onLeader = g.read("size", ReadPolicy.LINEARIZABLE);
    CompletableFuture<Object> onFollower =
        c.servers.get(follower).group(7).read("size", ReadPolicy.LINEARIZABLE);
    c.await(List.of(onLeader, onFollower), 20);
    assertThat(onLeader.join()).isEqualTo(2);
    assertThat(onFollower.join()).isEqualTo(2);
    CompletableFuture<Object> lease = g.read("size", ReadPolicy.LEASE);
    assertThat(failure(lease))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withLeaseReads");
  }

  @Test
  void leaseReads_whenTheGroupAllowsThem() throws Exception {
    SimCluster c = threeMembers(7, GroupOptions.of(7, 1, 2, 3).withLeaseReads(true));
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    c.await(List.of(g.propose(cmd("w1"))), 20);
    CompletableFuture<Object> lease = g.read("size", ReadPolicy.LEASE);
    c.await(List.of(lease), 5);
    assertThat(lease.join()).isEqualTo(1);
    assertThat(failure(g.read("size", ReadPolicy.LINEARIZABLE)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readWithoutLeader_failsAtOnce_andLocalReadAnswers() throws Exception {
    SimCluster c = cluster(new SimCluster(8, null));
    c.start(1);
    RaftGroup g = c.create(1, GroupOptions.of(7, 1, 2, 3));
    CompletableFuture<Object> read = g.read("size", ReadPolicy.LINEARIZABLE);
    CompletableFuture<Object> local = g.read("size", ReadPolicy.LOCAL);
    c.scheduler.runUntilIdle();
    assertThat(failure(read)).isInstanceOf(NotLeaderException.class);
    assertThat(local.join()).isEqualTo(0);
  }

  @Test
  void proposalWithoutQuorum_failsAtItsDeadline() throws Exception {
    SimCluster c = threeMembers(9, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    for (long id = 1; id <= 3; id++) {
      if (id != leader) {
        c.network.isolate(id);
      }
    }
    CompletableFuture<Applied> f =
        c.servers.get(leader).group(7).propose(cmd("x"), Duration.ofMillis(500));
    c.runUntil(f::isDone, 20);
    assertThat(failure(f)).isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void leadershipTransfer_movesTheLeader() throws Exception {
    SimCluster c = threeMembers(11, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long target = leader == 3 ? 1 : leader + 1;
    List<Long> seen = new ArrayList<>();
    c.servers.get(target).group(7).addLeaderListener((group, l, term) -> seen.add(l));
    CompletableFuture<Void> f = c.servers.get(leader).group(7).transferLeadership(target);
    c.awaitDone(List.of(f), 20);
    assertThat(failure(f)).isNull();
    assertThat(c.runUntil(() -> c.leader(7) == target, 20)).isTrue();
    c.scheduler.runUntilIdle();
    assertThat(seen).contains(target);
    List<Long> late = new ArrayList<>();
    c.servers.get(leader).group(7).addLeaderListener((group, l, term) -> late.add(l));
    c.scheduler.runUntilIdle();
    assertThat(late).as("a listener added later hears the current leader").containsExactly(target);
  }

  @Test
  void closingTheServer_failsPendingOperationsAndLaterOnes() throws Exception {
    SimCluster c = threeMembers(12, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    RaftGroup g = c.servers.get(leader).group(7);
    c.network.isolate(leader);
    CompletableFuture<Applied> pending = g.propose(cmd("x"));
    c.scheduler.runUntilIdle();
    c.stop(leader);
    assertThat(failure(pending)).isInstanceOf(GroupStoppedException.class);
    assertThat(failure(g.propose(cmd("y")))).isInstanceOf(GroupStoppedException.class);
  }

  @Test
  void partitionedMinority_doesNotElect_andRejoins() throws Exception {
    SimCluster c = threeMembers(13, GroupOptions.of(7, 1, 2, 3));
    long leader = c.awaitLeader(7);
    long minority = leader == 1 ? 2 : 1;
    c.network.partition(Set.of(minority));
    c.runTicks(50);
    assertThat(c.servers.get(minority).group(7).status().isLeader()).isFalse();
    assertThat(c.leader(7)).isEqualTo(leader);
    c.network.heal();
    CompletableFuture<Applied> f = c.servers.get(leader).group(7).propose(cmd("after"));
    c.await(List.of(f), 20);
    assertThat(c.runUntil(() -> c.machine(minority, 7).commands.contains(cmd("after")), 50))
        .isTrue();
  }
}
