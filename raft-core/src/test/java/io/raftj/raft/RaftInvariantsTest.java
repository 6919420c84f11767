package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.newTestConfig;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The checks {@link RaftInvariantsExtension} runs after every test find what they look for. The
 * Rafts here are built directly, not through the tracking helpers, so the extension leaves them
 * alone after these tests.
 */
final class RaftInvariantsTest {

  private static Raft leaderOfThree() {
    Raft r = new Raft(newTestConfig(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3))));
    r.becomeCandidate();
    r.becomeLeader();
    return r;
  }

  @Test
  void violations_freshLeader_none() {
    assertThat(RaftInvariants.violations(leaderOfThree())).isEmpty();
  }

  @Test
  void violations_committedBeyondLastIndex_reported() {
    Raft r = leaderOfThree();
    r.raftLog.setCommitted(r.raftLog.lastIndex() + 1);
    assertThat(RaftInvariants.violations(r))
        .singleElement()
        .asString()
        .startsWith("1: log bounds broken:");
  }

  @Test
  void violations_matchNotBelowNext_reported() {
    Raft r = leaderOfThree();
    r.raftLog.append(index(2).terms(1, 1));
    r.trk.progress().get(2).setMatch(r.trk.progress().get(2).next());
    assertThat(RaftInvariants.violations(r))
        .singleElement()
        .asString()
        .contains("progress of 2 has match");
  }
}
