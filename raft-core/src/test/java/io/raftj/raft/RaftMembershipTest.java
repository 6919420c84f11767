package io.raftj.raft;

import static io.raftj.raft.RaftTestSupport.confChange;
import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChangeType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ports etcd's raft_test.go tests of membership at the Raft level: the leader's quorum check right
 * after adding a voter, and the voter list taken from storage.
 */
final class RaftMembershipTest {

  /**
   * Adding a voter does not fail the leader's quorum check at once: the new node counts as active
   * until a full election timeout passes without hearing from it.
   */
  @Test
  void addNodeCheckQuorum() {
    Raft r =
        new Raft(newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1))).setCheckQuorum(true));
    r.becomeCandidate();
    r.becomeLeader();
    for (int i = 0; i < r.electionTimeout - 1; i++) {
      r.tick();
    }
    r.applyConfChange(confChange(ConfChangeType.ConfChangeAddNode, 2));

    // This tick reaches the election timeout and runs the quorum check.
    r.tick();
    assertThat(r.state).isEqualTo(StateType.STATE_LEADER);

    // Another election timeout without word from node 2: the leader steps down.
    for (int i = 0; i < r.electionTimeout; i++) {
      r.tick();
    }
    assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  record RaftNodesCase(long[] ids, long[] wids) {}

  static List<RaftNodesCase> raftNodesCases() {
    return List.of(
        new RaftNodesCase(new long[] {1, 2, 3}, new long[] {1, 2, 3}),
        new RaftNodesCase(new long[] {3, 2, 1}, new long[] {1, 2, 3}));
  }

  /** The voters come from the storage's ConfState, sorted. */
  @ParameterizedTest
  @MethodSource("raftNodesCases")
  void raftNodes(RaftNodesCase tt) {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(tt.ids())));
    assertThat(r.trk.voterNodes()).containsExactly(tt.wids());
  }
}
