package io.raftj.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

final class JointConfigTest {

  @Test
  void toString_showsOutgoingHalfOnlyWhenJoint() {
    JointConfig c = new JointConfig(MajorityConfig.of(1, 2), new MajorityConfig());
    assertThat(c).hasToString("(1 2)");
    c.outgoing().add(3);
    c.outgoing().add(4);
    assertThat(c).hasToString("(1 2)&&(3 4)");
    assertThat(new JointConfig()).hasToString("()");
  }

  @Test
  void ids_isTheUnionOfBothHalves() {
    JointConfig c = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4));
    assertThat(c.ids().slice()).containsExactly(1, 2, 3, 4);
    assertThat(c.incoming().slice()).containsExactly(1, 2, 3);
  }

  @Test
  void copy_isDeep() {
    JointConfig c = new JointConfig(MajorityConfig.of(1), MajorityConfig.of(2));
    JointConfig copy = c.copy();
    copy.incoming().add(5);
    copy.outgoing().clear();
    assertThat(c).hasToString("(1)&&(2)");
    assertThat(copy).hasToString("(1 5)");
    assertThat(copy).isNotEqualTo(c);
    assertThat(c.copy()).isEqualTo(c).hasSameHashCodeAs(c);
  }

  @Test
  void committedIndex_isTheSmallerOfTheHalves() {
    JointConfig c = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(4, 5, 6));
    MapAckIndexer l =
        new MapAckIndexer().put(1, 10).put(2, 10).put(3, 10).put(4, 3).put(5, 4).put(6, 5);
    assertThat(c.committedIndex(l)).isEqualTo(4);
    assertThat(c.describe(l))
        .isEqualTo(
            "          idx\n"
                + "xxx>"
                + " ".repeat(7)
                + "10    (id=1)\n"
                + "xxx>"
                + " ".repeat(7)
                + "10    (id=2)\n"
                + "xxx>"
                + " ".repeat(7)
                + "10    (id=3)\n"
                + ">"
                + " ".repeat(11)
                + "3    (id=4)\n"
                + "x>"
                + " ".repeat(10)
                + "4    (id=5)\n"
                + "xx>"
                + " ".repeat(9)
                + "5    (id=6)\n");
    assertThat(new JointConfig().committedIndex(l)).isEqualTo(Index.INFINITY);
  }

  @Test
  void voteResult_needsBothHalves() {
    JointConfig c = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4, 5));
    // Incoming won (1, 2), outgoing pending.
    assertThat(c.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(VoteResult.VOTE_PENDING);
    // Outgoing lost (4, 5 rejected): the whole vote is lost even though incoming won.
    assertThat(c.voteResult(Map.of(1L, true, 2L, true, 4L, false, 5L, false)))
        .isEqualTo(VoteResult.VOTE_LOST);
    // Voter 3 sits in both halves and tips both.
    assertThat(c.voteResult(Map.of(1L, true, 3L, true, 4L, true))).isEqualTo(VoteResult.VOTE_WON);
  }
}
