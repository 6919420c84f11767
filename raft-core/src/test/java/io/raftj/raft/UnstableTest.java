package io.raftj.raft;

import static io.raftj.raft.TestEntries.index;
import static io.raftj.raft.TestEntries.snap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's log_unstable_test.go, plus the log lines and views of the unstable log. */
final class UnstableTest {

  private static final RaftLogger LOGGER = RaftLogger.discard();
  private static final Snapshot SNAP_4_1 = snap(4, 1);
  private static final long NONE = Unstable.NOT_FOUND;

  private static Unstable unstable(List<Entry> ents, long offset, Snapshot snap) {
    return new Unstable(ents, offset, offset, snap, false, LOGGER);
  }

  record IndexCase(List<Entry> entries, long offset, Snapshot snap, long want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<IndexCase> maybeFirstIndexCases() {
    return Stream.of(
        // no snapshot
        new IndexCase(index(5).terms(1), 5, null, NONE),
        new IndexCase(List.of(), 0, null, NONE),
        // has snapshot
        new IndexCase(index(5).terms(1), 5, SNAP_4_1, 5),
        new IndexCase(List.of(), 5, SNAP_4_1, 5));
  }

  @ParameterizedTest
  @MethodSource("maybeFirstIndexCases")
  void unstableMaybeFirstIndex(IndexCase c) {
    assertThat(unstable(c.entries(), c.offset(), c.snap()).maybeFirstIndex()).isEqualTo(c.want());
  }

  static Stream<IndexCase> maybeLastIndexCases() {
    return Stream.of(
        // last in entries
        new IndexCase(index(5).terms(1), 5, null, 5),
        new IndexCase(index(5).terms(1), 5, SNAP_4_1, 5),
        // last in snapshot
        new IndexCase(List.of(), 5, SNAP_4_1, 4),
        // empty unstable
        new IndexCase(List.of(), 0, null, NONE));
  }

  @ParameterizedTest
  @MethodSource("maybeLastIndexCases")
  void maybeLastIndex(IndexCase c) {
    assertThat(unstable(c.entries(), c.offset(), c.snap()).maybeLastIndex()).isEqualTo(c.want());
  }

  record TermCase(List<Entry> entries, long offset, Snapshot snap, long index, long wantTerm) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<TermCase> maybeTermCases() {
    return Stream.of(
        // term from entries
        new TermCase(index(5).terms(1), 5, null, 5, 1),
        new TermCase(index(5).terms(1), 5, null, 6, NONE),
        new TermCase(index(5).terms(1), 5, null, 4, NONE),
        new TermCase(index(5).terms(1), 5, SNAP_4_1, 5, 1),
        new TermCase(index(5).terms(1), 5, SNAP_4_1, 6, NONE),
        // term from snapshot
        new TermCase(index(5).terms(1), 5, SNAP_4_1, 4, 1),
        new TermCase(index(5).terms(1), 5, SNAP_4_1, 3, NONE),
        new TermCase(List.of(), 5, SNAP_4_1, 5, NONE),
        new TermCase(List.of(), 5, SNAP_4_1, 4, 1),
        new TermCase(List.of(), 0, null, 5, NONE));
  }

  @ParameterizedTest
  @MethodSource("maybeTermCases")
  void unstableMaybeTerm(TermCase c) {
    Unstable u = unstable(c.entries(), c.offset(), c.snap());
    assertThat(u.maybeTerm(c.index())).isEqualTo(c.wantTerm());
  }

  @Test
  void unstableRestore() {
    Unstable u = new Unstable(index(5).terms(1), 5, 6, SNAP_4_1, true, LOGGER);
    Snapshot s = snap(6, 2);
    u.restore(s);

    assertThat(u.offset()).isEqualTo(s.getMetadata().getIndex() + 1);
    assertThat(u.offsetInProgress()).isEqualTo(s.getMetadata().getIndex() + 1);
    assertThat(u.entryCount()).isZero();
    assertThat(u.entries()).isEmpty();
    assertThat(u.snapshot()).isSameAs(s);
    assertThat(u.snapshotInProgress()).isFalse();
  }

  record NextEntriesCase(
      List<Entry> entries, long offset, long offsetInProgress, List<Entry> want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<NextEntriesCase> nextEntriesCases() {
    return Stream.of(
        // nothing in progress
        new NextEntriesCase(index(5).terms(1, 1), 5, 5, index(5).terms(1, 1)),
        // partially in progress
        new NextEntriesCase(index(5).terms(1, 1), 5, 6, index(6).terms(1)),
        // everything in progress
        new NextEntriesCase(index(5).terms(1, 1), 5, 7, List.of()));
  }

  @ParameterizedTest
  @MethodSource("nextEntriesCases")
  void unstableNextEntries(NextEntriesCase c) {
    Unstable u = new Unstable(c.entries(), c.offset(), c.offsetInProgress(), null, false, LOGGER);
    assertThat(u.nextEntries()).isEqualTo(c.want());
  }

  record NextSnapshotCase(Snapshot snapshot, boolean snapshotInProgress, Snapshot want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<NextSnapshotCase> nextSnapshotCases() {
    return Stream.of(
        // snapshot not unstable
        new NextSnapshotCase(null, false, null),
        // snapshot not in progress
        new NextSnapshotCase(SNAP_4_1, false, SNAP_4_1),
        // snapshot in progress
        new NextSnapshotCase(SNAP_4_1, true, null));
  }

  @ParameterizedTest
  @MethodSource("nextSnapshotCases")
  void unstableNextSnapshot(NextSnapshotCase c) {
    Unstable u = new Unstable(List.of(), 0, 0, c.snapshot(), c.snapshotInProgress(), LOGGER);
    assertThat(u.nextSnapshot()).isEqualTo(c.want());
  }

  record AcceptCase(
      List<Entry> entries,
      Snapshot snapshot,
      long offsetInProgress,
      boolean snapshotInProgress,
      long wantOffsetInProgress,
      boolean wantSnapshotInProgress) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<AcceptCase> acceptInProgressCases() {
    Stream.Builder<AcceptCase> b = Stream.builder();
    // Without a snapshot, then with one not yet in progress, then with one already in progress.
    Snapshot[] snaps = {null, SNAP_4_1, SNAP_4_1};
    boolean[] snapInProgress = {false, false, true};
    for (int k = 0; k < snaps.length; k++) {
      Snapshot s = snaps[k];
      boolean sip = snapInProgress[k];
      boolean wantSip = s != null;
      b.add(new AcceptCase(List.of(), s, 5, sip, 5, wantSip)); // no entries
      b.add(new AcceptCase(index(5).terms(1), s, 5, sip, 6, wantSip)); // not in progress
      b.add(new AcceptCase(index(5).terms(1, 1), s, 5, sip, 7, wantSip)); // not in progress
      b.add(new AcceptCase(index(5).terms(1, 1), s, 6, sip, 7, wantSip)); // first in progress
      b.add(new AcceptCase(index(5).terms(1, 1), s, 7, sip, 7, wantSip)); // both in progress
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("acceptInProgressCases")
  void unstableAcceptInProgress(AcceptCase c) {
    long offset = c.entries().isEmpty() ? c.offsetInProgress() : 5;
    Unstable u =
        new Unstable(
            c.entries(),
            offset,
            c.offsetInProgress(),
            c.snapshot(),
            c.snapshotInProgress(),
            LOGGER);
    u.acceptInProgress();
    assertThat(u.offsetInProgress()).isEqualTo(c.wantOffsetInProgress());
    assertThat(u.snapshotInProgress()).isEqualTo(c.wantSnapshotInProgress());
    // Accepted work is no longer handed out.
    assertThat(u.nextEntries()).isEmpty();
    assertThat(u.nextSnapshot()).isNull();
  }

  record StableToCase(
      String name,
      List<Entry> entries,
      long offset,
      long offsetInProgress,
      Snapshot snap,
      long index,
      long term,
      long wantOffset,
      long wantOffsetInProgress,
      int wantLen) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<StableToCase> stableToCases() {
    Snapshot snap51 = snap(5, 1);
    Snapshot snap42 = snap(4, 2);
    return Stream.of(
        new StableToCase("empty", List.of(), 0, 0, null, 5, 1, 0, 0, 0),
        new StableToCase("first entry", index(5).terms(1), 5, 6, null, 5, 1, 6, 6, 0),
        new StableToCase("first of two", index(5).terms(1, 1), 5, 6, null, 5, 1, 6, 6, 1),
        new StableToCase(
            "first, in progress ahead", index(5).terms(1, 1), 5, 7, null, 5, 1, 6, 7, 1),
        new StableToCase("term mismatch", index(6).terms(2), 6, 7, null, 6, 1, 6, 7, 1),
        new StableToCase("old entry", index(5).terms(1), 5, 6, null, 4, 1, 5, 6, 1),
        new StableToCase("old entry, other term", index(5).terms(1), 5, 6, null, 4, 2, 5, 6, 1),
        // with snapshot
        new StableToCase("snap: first entry", index(5).terms(1), 5, 6, SNAP_4_1, 5, 1, 6, 6, 0),
        new StableToCase("snap: first of two", index(5).terms(1, 1), 5, 6, SNAP_4_1, 5, 1, 6, 6, 1),
        new StableToCase(
            "snap: first, in progress ahead", index(5).terms(1, 1), 5, 7, SNAP_4_1, 5, 1, 6, 7, 1),
        new StableToCase("snap: term mismatch", index(6).terms(2), 6, 7, snap51, 6, 1, 6, 7, 1),
        new StableToCase(
            "snap: stable to snapshot", index(5).terms(1), 5, 6, SNAP_4_1, 4, 1, 5, 6, 1),
        new StableToCase("snap: old entry", index(5).terms(2), 5, 6, snap42, 4, 1, 5, 6, 1));
  }

  @ParameterizedTest
  @MethodSource("stableToCases")
  void unstableStableTo(StableToCase c) {
    Unstable u =
        new Unstable(c.entries(), c.offset(), c.offsetInProgress(), c.snap(), false, LOGGER);
    u.stableTo(new EntryId(c.term(), c.index()));
    assertThat(u.offset()).isEqualTo(c.wantOffset());
    assertThat(u.offsetInProgress()).isEqualTo(c.wantOffsetInProgress());
    assertThat(u.entryCount()).isEqualTo(c.wantLen());
    assertThat(u.entries()).hasSize(c.wantLen());
  }

  record TruncateCase(
      String name,
      List<Entry> entries,
      long offset,
      long offsetInProgress,
      List<Entry> toAppend,
      long wantOffset,
      long wantOffsetInProgress,
      List<Entry> want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<TruncateCase> truncateAndAppendCases() {
    return Stream.of(
        // append to the end
        new TruncateCase(
            "append", index(5).terms(1), 5, 5, index(6).terms(1, 1), 5, 5, index(5).terms(1, 1, 1)),
        new TruncateCase(
            "append, first in progress",
            index(5).terms(1),
            5,
            6,
            index(6).terms(1, 1),
            5,
            6,
            index(5).terms(1, 1, 1)),
        // replace the unstable entries
        new TruncateCase(
            "replace at offset",
            index(5).terms(1),
            5,
            5,
            index(5).terms(2, 2),
            5,
            5,
            index(5).terms(2, 2)),
        new TruncateCase(
            "replace before offset",
            index(5).terms(1),
            5,
            5,
            index(4).terms(2, 2, 2),
            4,
            4,
            index(4).terms(2, 2, 2)),
        new TruncateCase(
            "replace in progress",
            index(5).terms(1),
            5,
            6,
            index(5).terms(2, 2),
            5,
            5,
            index(5).terms(2, 2)),
        // truncate the existing entries and append
        new TruncateCase(
            "truncate at 6",
            index(5).terms(1, 1, 1),
            5,
            5,
            index(6).terms(2),
            5,
            5,
            index(5).terms(1, 2)),
        new TruncateCase(
            "truncate at 7",
            index(5).terms(1, 1, 1),
            5,
            5,
            index(7).terms(2, 2),
            5,
            5,
            index(5).terms(1, 1, 2, 2)),
        new TruncateCase(
            "truncate, kept entry in progress",
            index(5).terms(1, 1, 1),
            5,
            6,
            index(6).terms(2),
            5,
            6,
            index(5).terms(1, 2)),
        new TruncateCase(
            "truncate, dropped entry in progress",
            index(5).terms(1, 1, 1),
            5,
            7,
            index(6).terms(2),
            5,
            6,
            index(5).terms(1, 2)));
  }

  @ParameterizedTest
  @MethodSource("truncateAndAppendCases")
  void unstableTruncateAndAppend(TruncateCase c) {
    Unstable u = new Unstable(c.entries(), c.offset(), c.offsetInProgress(), null, false, LOGGER);
    List<Entry> before = u.entries();
    u.truncateAndAppend(c.toAppend());
    assertThat(u.offset()).isEqualTo(c.wantOffset());
    assertThat(u.offsetInProgress()).isEqualTo(c.wantOffsetInProgress());
    assertThat(u.entries()).isEqualTo(c.want());
    // A view handed out earlier never changes.
    assertThat(before).isEqualTo(c.entries());
  }

  @Test
  void stableTo_logsWhyItIgnoresAnEntry() {
    RecordingRaftLogger log = new RecordingRaftLogger();
    Unstable u = new Unstable(index(5).terms(2), 5, 6, snap(4, 1), false, log);
    u.stableTo(new EntryId(1, 9));
    u.stableTo(new EntryId(1, 4));
    u.stableTo(new EntryId(1, 5));
    assertThat(log.lines)
        .containsExactly(
            "INFO entry at index 9 missing from unstable log; ignoring",
            "INFO entry at index 4 matched unstable snapshot; ignoring",
            "INFO entry at (index,term)=(5,1) mismatched with entry at (5,2) in unstable log;"
                + " ignoring");
  }

  @Test
  void truncateAndAppend_logsReplaceAndTruncate() {
    RecordingRaftLogger log = new RecordingRaftLogger();
    Unstable u = new Unstable(index(5).terms(1, 1, 1), 5, 5, null, false, log);
    u.truncateAndAppend(index(6).terms(2));
    u.truncateAndAppend(index(4).terms(3));
    u.truncateAndAppend(index(5).terms(3));
    assertThat(log.lines)
        .containsExactly(
            "INFO truncate the unstable entries before index 6",
            "INFO replace the unstable entries from index 4");
    assertThat(u.entries()).isEqualTo(index(4).terms(3, 3));
  }

  @Test
  void slice_outOfBounds_panicsWithEtcdsText() {
    Unstable u = new Unstable(index(5).terms(1, 1), 5, 5, null, false, LOGGER);
    assertThat(u.slice(5, 7)).isEqualTo(index(5).terms(1, 1));
    assertThatThrownBy(() -> u.slice(6, 5)).hasMessage("invalid unstable.slice 6 > 5");
    assertThatThrownBy(() -> u.slice(4, 6)).hasMessage("unstable.slice[4,6) out of bound [5,7]");
    assertThatThrownBy(() -> u.truncateAndAppend(index(8).terms(1)))
        .hasMessage("unstable.slice[5,8) out of bound [5,7]");
  }

  @Test
  void stableTo_manyAppends_keepsOrderAndShrinks() {
    Unstable u = new Unstable(1, LOGGER);
    for (long i = 1; i <= 100; i++) {
      u.truncateAndAppend(index(i).terms(1));
      if (i % 3 == 0) {
        u.stableTo(new EntryId(1, i - 1));
      }
    }
    assertThat(u.offset()).isEqualTo(99);
    assertThat(u.entries()).isEqualTo(index(99).terms(1, 1));
    assertThat(u.slice(100, 101)).isEqualTo(index(100).terms(1));
  }
}
