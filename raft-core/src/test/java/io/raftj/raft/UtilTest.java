package io.raftj.raft;

import static io.raftj.raft.TestEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports TestLimitSize and TestPayloadSizeOfEmptyEntry of etcd's util_test.go, and more. */
final class UtilTest {

  private static final List<Entry> ENTS = List.of(entry(4, 4), entry(5, 5), entry(6, 6));

  private static long size(int i) {
    return ENTS.get(i).getSerializedSize();
  }

  record LimitSizeCase(String name, long maxSize, int wantLen) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<LimitSizeCase> limitSizeCases() {
    return Stream.of(
        new LimitSizeCase("no limit: all", RaftConstants.NO_LIMIT, 3),
        new LimitSizeCase("unsigned max: all", -1L, 3),
        // Even if maxSize is zero, the first entry is returned.
        new LimitSizeCase("zero: one", 0, 1),
        // Limit to 2.
        new LimitSizeCase("exactly two", size(0) + size(1), 2),
        new LimitSizeCase("two and a half", size(0) + size(1) + size(2) / 2, 2),
        new LimitSizeCase("one byte short of three", size(0) + size(1) + size(2) - 1, 2),
        // All.
        new LimitSizeCase("exactly three", size(0) + size(1) + size(2), 3));
  }

  @ParameterizedTest
  @MethodSource("limitSizeCases")
  void limitSize(LimitSizeCase c) {
    List<Entry> got = Util.limitSize(ENTS, c.maxSize());
    assertThat(got).isEqualTo(ENTS.subList(0, c.wantLen()));
    assertThat(got.size() == 1 || Long.compareUnsigned(Util.entsSize(got), c.maxSize()) <= 0)
        .isTrue();
  }

  @Test
  void limitSize_empty() {
    assertThat(Util.limitSize(List.of(), 0)).isEmpty();
  }

  @Test
  void payloadSizeOfEmptyEntry() {
    // New leaders append an empty entry; it must not count against the uncommitted-log quota.
    assertThat(Util.payloadSize(Entry.getDefaultInstance())).isZero();
    assertThat(Util.payloadSize(entry(9, 9))).isZero();
  }

  @Test
  void payloadsSize_countsDataOnly() {
    Entry withData = entry(1, 1).toBuilder().setData(ByteString.copyFromUtf8("hello")).build();
    assertThat(Util.payloadsSize(List.of(withData, entry(2, 1), withData))).isEqualTo(10);
  }

  @Test
  void entsSize_isTheEncodedSize() {
    // Term 4 and Index 4: two fields of a one-byte tag and a one-byte varint each.
    assertThat(Util.entsSize(List.of(entry(4, 4)))).isEqualTo(4);
    assertThat(Util.entsSize(ENTS)).isEqualTo(12);
  }

  @Test
  void isEmptyHardState() {
    assertThat(Util.isEmptyHardState(null)).isTrue();
    assertThat(Util.isEmptyHardState(HardState.getDefaultInstance())).isTrue();
    // Presence does not matter, only the values.
    assertThat(Util.isEmptyHardState(HardState.newBuilder().setTerm(0).setCommit(0).build()))
        .isTrue();
    assertThat(Util.isEmptyHardState(HardState.newBuilder().setVote(1).build())).isFalse();
  }

  @Test
  void isHardStateEqual() {
    HardState a = HardState.newBuilder().setTerm(1).setVote(2).setCommit(3).build();
    assertThat(Util.isHardStateEqual(a, a.toBuilder().build())).isTrue();
    assertThat(Util.isHardStateEqual(a, a.toBuilder().setCommit(4).build())).isFalse();
    assertThat(Util.isHardStateEqual(a, a.toBuilder().setVote(0).build())).isFalse();
    assertThat(Util.isHardStateEqual(a, a.toBuilder().setTerm(2).build())).isFalse();
  }

  @Test
  void isEmptySnap() {
    assertThat(Util.isEmptySnap(null)).isTrue();
    assertThat(Util.isEmptySnap(Snapshot.getDefaultInstance())).isTrue();
    Snapshot termOnly =
        Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setTerm(3)).build();
    assertThat(Util.isEmptySnap(termOnly)).isTrue();
    assertThat(Util.isEmptySnap(TestEntries.snap(1, 0))).isFalse();
  }

  @Test
  void extend_concatenatesWithoutTouchingInputs() {
    List<Entry> a = ENTS.subList(0, 1);
    List<Entry> b = ENTS.subList(1, 3);
    assertThat(Util.extend(a, b)).isEqualTo(ENTS);
    assertThat(Util.extend(a, List.of())).isSameAs(a);
    assertThat(Util.extend(List.of(), b)).isSameAs(b);
    assertThat(a).hasSize(1);
  }
}
