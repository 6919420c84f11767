package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

final class ScriptKindsTest {

  @Test
  void kindOf_nearestKnownFolderWins() {
    assertThat(ScriptKinds.kindOf(Path.of("/x/etcd-raft-v3.7.0/quorum/joint_vote.txt")))
        .isEqualTo("quorum");
    assertThat(ScriptKinds.kindOf(Path.of("/x/confchange/sub/zero.txt"))).isEqualTo("confchange");
    assertThat(ScriptKinds.kindOf(Path.of("/x/etcd-raft-v3.7.0/testdata/campaign.txt")))
        .isEqualTo("interaction");
    assertThat(ScriptKinds.kindOf(Path.of("/x/testdata/quorum/a.txt"))).isEqualTo("quorum");
    assertThat(ScriptKinds.kindOf(Path.of("/x/interaction/a.txt"))).isEqualTo("interaction");
    assertThat(ScriptKinds.kindOf(Path.of("/x/y/a.txt"))).isNull();
  }

  @Test
  void quorumKind_isBuiltIn() {
    assertThat(ScriptKinds.lookup("quorum")).isInstanceOf(QuorumScripts.class);
    assertThat(ScriptKinds.lookup("no-such-kind")).isNull();
  }

  @Test
  void register_addsAKind() {
    ScriptKind echo =
        new ScriptKind() {
          @Override
          public String name() {
            return "echo-for-test";
          }

          @Override
          public Handler newHandler() {
            return TestData::input;
          }
        };
    ScriptKinds.register(echo);
    assertThat(ScriptKinds.lookup("echo-for-test")).isSameAs(echo);
  }
}
