package io.raftj.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class MajorityConfigTest {

  record DescribeCase(String name, MajorityConfig c, MapAckIndexer indexer, String want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<DescribeCase> describeCases() {
    MajorityConfig c = MajorityConfig.of(1, 2, 3);
    return Stream.of(
        new DescribeCase(
            "different commit index for each voter",
            c,
            new MapAckIndexer().put(1, 101).put(2, 102).put(3, 103),
            "       idx\n>      101    (id=1)\nx>     102    (id=2)\nxx>    103    (id=3)\n"),
        new DescribeCase(
            "same commit index for all voters",
            c,
            new MapAckIndexer().put(1, 100).put(2, 100).put(3, 100),
            "       idx\n>      100    (id=1)\n>      100    (id=2)\n>      100    (id=3)\n"),
        new DescribeCase(
            "same commit index for part of the voters",
            c,
            new MapAckIndexer().put(1, 100).put(2, 102).put(3, 102),
            "       idx\n>      100    (id=1)\nx>     102    (id=2)\nx>     102    (id=3)\n"),
        new DescribeCase(
            "missing some commit indexes",
            c,
            new MapAckIndexer().put(1, 101).put(3, 103),
            "       idx\nx>     101    (id=1)\n?        0    (id=2)\nxx>    103    (id=3)\n"),
        new DescribeCase(
            "wide indexes and hex IDs in ID order",
            MajorityConfig.of(0x1f, 10, -1L),
            new MapAckIndexer().put(0x1f, 1234567).put(-1L, 7),
            "       idx\n?        0    (id=a)\nxx>  1234567    (id=1f)\nx>       7"
                + "    (id=ffffffffffffffff)\n"));
  }

  @ParameterizedTest
  @MethodSource("describeCases")
  void describe(DescribeCase c) {
    assertThat(c.c().describe(c.indexer())).isEqualTo(c.want());
  }

  @Test
  void describe_emptyConfig() {
    assertThat(new MajorityConfig().describe(new MapAckIndexer()))
        .isEqualTo("<empty majority quorum>");
  }

  @Test
  void setOperations_keepUnsignedOrder() {
    MajorityConfig c = MajorityConfig.of(3, -1L, 1, Long.MIN_VALUE, 3);
    assertThat(c.size()).isEqualTo(4);
    assertThat(c.slice()).containsExactly(1, 3, Long.MIN_VALUE, -1L);
    assertThat(c.toString()).isEqualTo("(1 3 8000000000000000 ffffffffffffffff)");
    assertThat(c.add(3)).isFalse();
    assertThat(c.remove(3)).isTrue();
    assertThat(c.remove(3)).isFalse();
    assertThat(c.contains(-1L)).isTrue();
    assertThat(c.contains(2)).isFalse();
    assertThat(c.id(0)).isEqualTo(1);

    MajorityConfig copy = c.copy();
    copy.add(2);
    assertThat(c.contains(2)).isFalse();
    assertThat(copy).isNotEqualTo(c);
    copy.remove(2);
    assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
    c.clear();
    assertThat(c.isEmpty()).isTrue();
    assertThat(c.toString()).isEqualTo("()");
  }

  @Test
  void committedIndex_isTheQuorumPosition() {
    MajorityConfig c = MajorityConfig.of(1, 2, 3, 4, 5);
    MapAckIndexer l = new MapAckIndexer().put(1, 9).put(2, 4).put(3, 7).put(4, 1);
    // Sorted: 0(unknown) 1 4 7 9; a majority of 3 has acked 4 or more.
    assertThat(c.committedIndex(l)).isEqualTo(4);
    l.put(5, 8);
    assertThat(c.committedIndex(l)).isEqualTo(7);
    assertThat(new MajorityConfig().committedIndex(l)).isEqualTo(Index.INFINITY);
    assertThat(Index.format(Index.INFINITY)).isEqualTo("∞");
    assertThat(Index.format(12)).isEqualTo("12");
  }

  @Test
  void committedIndex_growingConfig_reusesNothingStale() {
    MajorityConfig c = MajorityConfig.of(1);
    MapAckIndexer l = new MapAckIndexer().put(1, 5).put(2, 6).put(3, 7);
    assertThat(c.committedIndex(l)).isEqualTo(5);
    c.add(2);
    c.add(3);
    assertThat(c.committedIndex(l)).isEqualTo(6);
    c.remove(3);
    c.remove(2);
    assertThat(c.committedIndex(l)).isEqualTo(5);
  }

  @Test
  void committedIndex_allocatesNothingOnceWarm() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] acked = {0, 10, 20, 30, 40, 50, 60, 70, 80};
    AckedIndexer l = id -> acked[(int) id];
    MajorityConfig c = MajorityConfig.of(1, 2, 3, 4, 5, 6, 7, 8);
    long sum = c.committedIndex(l);
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      sum += c.committedIndex(l);
    }
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    assertThat(sum).isEqualTo(40L * 100_001);
    assertThat(allocated).as("bytes allocated by 100k calls").isLessThan(4096);
  }

  @Test
  void voteResult_countsGrantedRejectedAndMissing() {
    MajorityConfig c = MajorityConfig.of(1, 2, 3, 4);
    assertThat(c.voteResult(Map.of())).isEqualTo(VoteResult.VOTE_PENDING);
    assertThat(c.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(VoteResult.VOTE_PENDING);
    assertThat(c.voteResult(Map.of(1L, true, 2L, true, 3L, true))).isEqualTo(VoteResult.VOTE_WON);
    assertThat(c.voteResult(Map.of(1L, false, 2L, false))).isEqualTo(VoteResult.VOTE_LOST);
    // Votes from non-members do not count.
    assertThat(c.voteResult(Map.of(1L, true, 2L, true, 9L, true)))
        .isEqualTo(VoteResult.VOTE_PENDING);
    assertThat(new MajorityConfig().voteResult(Map.of())).isEqualTo(VoteResult.VOTE_WON);
    assertThat(VoteResult.VOTE_PENDING).hasToString("VotePending");
    assertThat(VoteResult.VOTE_LOST).hasToString("VoteLost");
    assertThat(VoteResult.VOTE_WON).hasToString("VoteWon");
  }
}
