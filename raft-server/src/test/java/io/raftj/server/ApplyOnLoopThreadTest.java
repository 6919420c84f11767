package io.raftj.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A follower whose state machine runs on the loop thread ({@link
 * GroupOptions#withApplyOnLoopThread}) applies after the loop run has sent its messages: its
 * acknowledgement of new entries never waits for the apply of older ones that committed in the same
 * run. One {@link ManualScheduler} runs the cluster, so nothing is delivered while a member
 * applies.
 */
final class ApplyOnLoopThreadTest {

  private static final long GROUP = 7;

  /** What each server was sent in MsgApps and what it acknowledged, as the network saw it. */
  private static final class Wire {
    final long[] appended = new long[4];
    final long[] acked = new long[4];

    boolean observe(MessageBatch b) {
      for (Message m : b.messages()) {
        int to = (int) m.getTo();
        int from = (int) m.getFrom();
        if (m.getType() == MessageType.MsgApp && m.getEntriesCount() > 0) {
          long last = m.getEntries(m.getEntriesCount() - 1).getIndex();
          appended[to] = Math.max(appended[to], last);
        } else if (m.getType() == MessageType.MsgAppResp && !m.getReject()) {
          acked[from] = Math.max(acked[from], m.getIndex());
        }
      }
      return true;
    }
  }

  /** Applies commands in order and checks, at each apply, that this server acked what it got. */
  private static final class Checking implements StateMachine {
    final int self;
    final Wire wire;
    final List<String> late = new ArrayList<>();
    int appliesAsFollower;
    long count;

    Checking(int self, Wire wire) {
      this.self = self;
      this.wire = wire;
    }

    @Override
    public void apply(ApplyBatch batch) {
      if (wire.appended[self] > 0) {
        appliesAsFollower++;
        if (wire.acked[self] < wire.appended[self]) {
          late.add(
              "server "
                  + self
                  + " applied up to "
                  + batch.index(batch.size() - 1)
                  + " with entries up to "
                  + wire.appended[self]
                  + " received but only "
                  + wire.acked[self]
                  + " acknowledged");
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.setResult(i, count++);
      }
    }

    @Override
    public SnapshotWriter snapshot() {
      long view = count;
      return out -> out.write(Long.toString(view).getBytes(UTF_8));
    }

    @Override
    public void restore(InputStream in) throws IOException {
      count = Long.parseLong(new String(in.readAllBytes(), UTF_8));
    }

    @Override
    public Object query(Object query) {
      return count;
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void followerAcksNewEntries_beforeApplyingOlderOnes_andEveryProposalResolvesInOrder(long seed)
      throws Exception {
    SimCluster c = new SimCluster(seed, null);
    Wire wire = new Wire();
    c.network.setFilter(wire::observe);
    List<Checking> machines = new ArrayList<>();
    for (int id = 1; id <= 3; id++) {
      c.start(id);
      Checking sm = new Checking(id, wire);
      machines.add(sm);
      c.servers
          .get((long) id)
          .createGroup(GroupOptions.of(GROUP, 1, 2, 3).withApplyOnLoopThread(true), sm);
    }
    long leader = c.awaitLeader(GROUP);
    RaftGroup g = c.servers.get(leader).group(GROUP);
    // Waves of proposals while earlier ones are still replicating: followers then receive new
    // entries and a higher commit index together.
    List<CompletableFuture<Applied>> all = new ArrayList<>();
    for (int wave = 0; wave < 40; wave++) {
      for (int i = 0; i < 5; i++) {
        all.add(g.propose(SimCluster.cmd("w" + wave + "-" + i)));
      }
      for (int step = 0; step < 3; step++) {
        c.scheduler.runNext();
      }
    }
    c.awaitDone(all, 50);
    long previous = 0;
    for (int i = 0; i < all.size(); i++) {
      Applied a = all.get(i).join();
      assertThat(a.index()).isGreaterThan(previous);
      assertThat(a.result()).isEqualTo((long) i);
      previous = a.index();
    }
    assertThat(c.runUntil(() -> machines.stream().allMatch(m -> m.count == all.size()), 50))
        .isTrue();
    for (Checking m : machines) {
      assertThat(m.late).isEmpty();
    }
    int followerApplies = 0;
    for (Checking m : machines) {
      followerApplies += m.appliesAsFollower;
    }
    assertThat(followerApplies).isGreaterThan(10);
  }
}
