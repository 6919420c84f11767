package io.raftj.raft;

import static io.raftj.raft.TestEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's types_test.go: {@link EntryId} and {@link LogSlice}. */
final class TypesTest {

  record EntryIdCase(Entry entry, EntryId want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<EntryIdCase> entryIdCases() {
    return Stream.of(
        new EntryIdCase(Entry.getDefaultInstance(), new EntryId(0, 0)),
        new EntryIdCase(
            entry(2, 1).toBuilder().setData(ByteString.copyFromUtf8("data")).build(),
            new EntryId(1, 2)),
        new EntryIdCase(entry(123, 10), new EntryId(10, 123)));
  }

  @ParameterizedTest
  @MethodSource("entryIdCases")
  void entryID(EntryIdCase c) {
    assertThat(EntryId.of(c.entry())).isEqualTo(c.want());
  }

  @Test
  void entryID_equality() {
    assertThat(new EntryId(5, 10)).isEqualTo(new EntryId(5, 10));
    assertThat(new EntryId(4, 10)).isNotEqualTo(new EntryId(5, 10));
    assertThat(new EntryId(5, 9)).isNotEqualTo(new EntryId(5, 10));
  }

  @Test
  void entryID_printsAsGoPlusV() {
    assertThat(new EntryId(5, 10)).hasToString("{term:5 index:10}");
    assertThat(new EntryId(-1L, 0)).hasToString("{term:18446744073709551615 index:0}");
  }

  private static EntryId id(long index, long term) {
    return new EntryId(term, index);
  }

  private static Entry e(long index, long term) {
    return entry(index, term);
  }

  record LogSliceCase(long term, EntryId prev, List<Entry> entries, boolean notOk, EntryId last) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<LogSliceCase> logSliceCases() {
    EntryId zero = id(0, 0);
    return Stream.of(
        // Empty "dummy" slice, starting at (0, 0) origin of the log.
        new LogSliceCase(0, zero, List.of(), false, id(0, 0)),
        // Empty slice with a given prev ID. Valid only if term >= prev.term.
        new LogSliceCase(0, id(123, 10), List.of(), true, null),
        new LogSliceCase(9, id(123, 10), List.of(), true, null),
        new LogSliceCase(10, id(123, 10), List.of(), false, id(123, 10)),
        new LogSliceCase(11, id(123, 10), List.of(), false, id(123, 10)),
        // A single entry.
        new LogSliceCase(0, zero, List.of(e(1, 1)), true, null),
        new LogSliceCase(1, zero, List.of(e(1, 1)), false, id(1, 1)),
        new LogSliceCase(2, zero, List.of(e(1, 1)), false, id(1, 1)),
        // Multiple entries.
        new LogSliceCase(2, zero, List.of(e(2, 1), e(3, 1), e(4, 2)), true, null),
        new LogSliceCase(1, id(1, 1), List.of(e(2, 1), e(3, 1), e(4, 2)), true, null),
        new LogSliceCase(2, id(1, 1), List.of(e(2, 1), e(3, 1), e(4, 2)), false, id(4, 2)),
        // First entry inconsistent with prev.
        new LogSliceCase(10, id(123, 5), List.of(e(111, 5)), true, null),
        new LogSliceCase(10, id(123, 5), List.of(e(124, 4)), true, null),
        new LogSliceCase(10, id(123, 5), List.of(e(234, 6)), true, null),
        new LogSliceCase(10, id(123, 5), List.of(e(124, 6)), false, id(124, 6)),
        // Inconsistent entries.
        new LogSliceCase(10, id(12, 2), List.of(e(13, 2), e(12, 2)), true, null),
        new LogSliceCase(10, id(12, 2), List.of(e(13, 2), e(15, 2)), true, null),
        new LogSliceCase(10, id(12, 2), List.of(e(13, 2), e(14, 1)), true, null),
        new LogSliceCase(10, id(12, 2), List.of(e(13, 2), e(14, 3)), false, id(14, 3)));
  }

  @ParameterizedTest
  @MethodSource("logSliceCases")
  void logSlice(LogSliceCase c) {
    LogSlice s = new LogSlice(c.term(), c.prev(), c.entries());
    assertThat(s.valid() != null).isEqualTo(c.notOk());
    if (!c.notOk()) {
      EntryId last = s.lastEntryID();
      assertThat(last).isEqualTo(c.last());
      assertThat(s.lastIndex()).isEqualTo(last.index());
    }
  }

  @Test
  void logSlice_validErrorTexts() {
    assertThat(new LogSlice(10, id(12, 2), List.of(e(13, 2), e(15, 2))).valid())
        .isEqualTo(
            "leader term 10: entries {term:2 index:13} and {term:2 index:15} not consistent");
    assertThat(new LogSlice(9, id(123, 10), List.of()).valid())
        .isEqualTo("leader term 9: entry {term:10 index:123} has a newer term");
  }
}
