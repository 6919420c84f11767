package io.raftj.raft;

import static io.raftj.raft.TestEntries.entry;
import static io.raftj.raft.TestEntries.index;
import static io.raftj.raft.TestEntries.snap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's log_test.go (part one: appends, conflicts, commit and apply bookkeeping). */
final class RaftLogTest {

  static final RaftLogger LOGGER = RaftLogger.discard();
  static final long NO_LIMIT = RaftConstants.NO_LIMIT;

  static MemoryStorage newStorage() {
    return new MemoryStorage(LOGGER);
  }

  static RaftLog logWith(List<Entry> unstableEnts) {
    return logOn(null, List.of(), unstableEnts);
  }

  /**
   * A log over a storage holding {@code snap} (if not null) and the {@code stable} entries, with
   * {@code unstable} appended to the log.
   */
  static RaftLog logOn(Snapshot snap, List<Entry> stable, List<Entry> unstable) {
    MemoryStorage storage = newStorage();
    if (snap != null) {
      storage.applySnapshot(snap);
    }
    storage.append(stable);
    RaftLog l = RaftLog.newLog(storage, LOGGER);
    l.append(unstable);
    return l;
  }

  record FindConflictCase(List<Entry> ents, long wantConflict) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<FindConflictCase> findConflictCases() {
    return Stream.of(
        // no conflict, empty ent
        new FindConflictCase(List.of(), 0),
        // no conflict
        new FindConflictCase(index(1).terms(1, 2, 3), 0),
        new FindConflictCase(index(2).terms(2, 3), 0),
        new FindConflictCase(index(3).terms(3), 0),
        // no conflict, but has new entries
        new FindConflictCase(index(1).terms(1, 2, 3, 4, 4), 4),
        new FindConflictCase(index(2).terms(2, 3, 4, 5), 4),
        new FindConflictCase(index(3).terms(3, 4, 4), 4),
        new FindConflictCase(index(4).terms(4, 4), 4),
        // conflicts with existing entries
        new FindConflictCase(index(1).terms(4, 4), 1),
        new FindConflictCase(index(2).terms(1, 4, 4), 2),
        new FindConflictCase(index(3).terms(1, 2, 4, 4), 3));
  }

  @ParameterizedTest
  @MethodSource("findConflictCases")
  void findConflict(FindConflictCase c) {
    RaftLog l = logWith(index(1).terms(1, 2, 3));
    assertThat(l.findConflict(c.ents())).isEqualTo(c.wantConflict());
  }

  @Test
  void findConflict_logsTheConflictingTerms() {
    RecordingRaftLogger log = new RecordingRaftLogger();
    RaftLog l = RaftLog.newLog(newStorage(), log);
    l.append(index(1).terms(1, 2, 3));
    assertThat(l.findConflict(index(2).terms(1, 4))).isEqualTo(2);
    assertThat(l.findConflict(index(3).terms(3, 4))).isEqualTo(4); // beyond the end: no line
    assertThat(log.lines)
        .containsExactly("INFO found conflict at index 2 [existing term: 2, conflicting term: 1]");
  }

  record FindConflictByTermCase(List<Entry> ents, long index, long term, long want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<FindConflictByTermCase> findConflictByTermCases() {
    List<Entry> a = index(0).terms(0, 2, 2, 5, 5, 5); // ents[0] is the snapshot
    List<Entry> b = index(10).terms(3, 3, 3, 4, 4, 4);
    return Stream.of(
        // Log starts from index 1.
        new FindConflictByTermCase(a, 100, 2, 100), // unavailable
        new FindConflictByTermCase(a, 5, 6, 5),
        new FindConflictByTermCase(a, 5, 5, 5),
        new FindConflictByTermCase(a, 5, 4, 2),
        new FindConflictByTermCase(a, 5, 2, 2),
        new FindConflictByTermCase(a, 5, 1, 0),
        new FindConflictByTermCase(a, 1, 2, 1),
        new FindConflictByTermCase(a, 1, 1, 0),
        new FindConflictByTermCase(a, 0, 0, 0),
        // Log with compacted entries.
        new FindConflictByTermCase(b, 30, 3, 30), // unavailable
        new FindConflictByTermCase(b, 14, 9, 14),
        new FindConflictByTermCase(b, 14, 4, 14),
        new FindConflictByTermCase(b, 14, 3, 12),
        new FindConflictByTermCase(b, 14, 2, 9),
        new FindConflictByTermCase(b, 11, 5, 11),
        new FindConflictByTermCase(b, 10, 5, 10),
        new FindConflictByTermCase(b, 10, 3, 10),
        new FindConflictByTermCase(b, 10, 2, 9),
        new FindConflictByTermCase(b, 9, 2, 9), // compacted
        new FindConflictByTermCase(b, 4, 2, 4), // compacted
        new FindConflictByTermCase(b, 0, 0, 0)); // compacted
  }

  @ParameterizedTest
  @MethodSource("findConflictByTermCases")
  void findConflictByTerm(FindConflictByTermCase c) {
    Entry first = c.ents().get(0);
    List<Entry> rest = c.ents().subList(1, c.ents().size());
    RaftLog l = logOn(snap(first.getIndex(), first.getTerm()), List.of(), rest);

    EntryId got = l.findConflictByTerm(c.index(), c.term());
    assertThat(got.index()).isEqualTo(c.want());
    assertThat(got.term()).isEqualTo(l.zeroTermOnOutOfBounds(got.index()));
  }

  record UpToDateCase(long lastIndex, long term, boolean wantUpToDate) {}

  static Stream<UpToDateCase> isUpToDateCases() {
    long last = 3;
    return Stream.of(
        // greater term, ignore lastIndex
        new UpToDateCase(last - 1, 4, true),
        new UpToDateCase(last, 4, true),
        new UpToDateCase(last + 1, 4, true),
        // smaller term, ignore lastIndex
        new UpToDateCase(last - 1, 2, false),
        new UpToDateCase(last, 2, false),
        new UpToDateCase(last + 1, 2, false),
        // equal term, equal or larger lastIndex wins
        new UpToDateCase(last - 1, 3, false),
        new UpToDateCase(last, 3, true),
        new UpToDateCase(last + 1, 3, true));
  }

  @ParameterizedTest
  @MethodSource("isUpToDateCases")
  void isUpToDate(UpToDateCase c) {
    RaftLog l = logWith(index(1).terms(1, 2, 3));
    assertThat(l.lastIndex()).isEqualTo(3);
    assertThat(l.isUpToDate(new EntryId(c.term(), c.lastIndex()))).isEqualTo(c.wantUpToDate());
  }

  record AppendCase(List<Entry> ents, long wantIndex, List<Entry> wantEnts, long wantUnstable) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<AppendCase> appendCases() {
    return Stream.of(
        new AppendCase(List.of(), 2, index(1).terms(1, 2), 3),
        new AppendCase(index(3).terms(2), 3, index(1).terms(1, 2, 2), 3),
        // conflicts with index 1
        new AppendCase(index(1).terms(2), 1, index(1).terms(2), 1),
        // conflicts with index 2
        new AppendCase(index(2).terms(3, 3), 3, index(1).terms(1, 3, 3), 2));
  }

  @ParameterizedTest
  @MethodSource("appendCases")
  void append(AppendCase c) {
    RaftLog l = logOn(null, index(1).terms(1, 2), List.of());
    assertThat(l.append(c.ents())).isEqualTo(c.wantIndex());
    assertThat(l.entries(1, NO_LIMIT)).isEqualTo(c.wantEnts());
    assertThat(l.unstable().offset()).isEqualTo(c.wantUnstable());
  }

  @Test
  void append_beforeCommitted_panics() {
    RaftLog l = logWith(index(1).terms(1, 2, 3));
    l.commitTo(2);
    assertThatThrownBy(() -> l.append(index(2).terms(4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("after(1) is out of range [committed(2)]");
  }

  record MaybeAppendCase(
      String name,
      EntryId prev,
      long committed,
      List<Entry> ents,
      long wantLasti,
      long wantCommit,
      boolean wantPanic) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<MaybeAppendCase> maybeAppendCases() {
    long li = 3; // last index
    long lt = 3; // last term
    long commit = 1;
    long no = RaftLog.NOT_APPENDED;
    return Stream.of(
        new MaybeAppendCase(
            "no match: term differs",
            new EntryId(lt - 1, li),
            li,
            index(li + 1).terms(4),
            no,
            commit,
            false),
        new MaybeAppendCase(
            "no match: index out of bound",
            new EntryId(lt, li + 1),
            li,
            index(li + 2).terms(4),
            no,
            commit,
            false),
        // match with the last existing entry
        new MaybeAppendCase("last, commit li", new EntryId(lt, li), li, List.of(), li, li, false),
        new MaybeAppendCase(
            "last, commit capped at lastnewi",
            new EntryId(lt, li),
            li + 1,
            List.of(),
            li,
            li,
            false),
        new MaybeAppendCase(
            "last, commit from message", new EntryId(lt, li), li - 1, List.of(), li, li - 1, false),
        new MaybeAppendCase(
            "last, commit never decreases", new EntryId(lt, li), 0, List.of(), li, commit, false),
        new MaybeAppendCase(
            "zero prev, commit never decreases",
            new EntryId(0, 0),
            li,
            List.of(),
            0,
            commit,
            false),
        new MaybeAppendCase(
            "last, one new", new EntryId(lt, li), li, index(li + 1).terms(4), li + 1, li, false),
        new MaybeAppendCase(
            "last, one new, commit it",
            new EntryId(lt, li),
            li + 1,
            index(li + 1).terms(4),
            li + 1,
            li + 1,
            false),
        new MaybeAppendCase(
            "last, one new, commit capped",
            new EntryId(lt, li),
            li + 2,
            index(li + 1).terms(4),
            li + 1,
            li + 1,
            false),
        new MaybeAppendCase(
            "last, two new",
            new EntryId(lt, li),
            li + 2,
            index(li + 1).terms(4, 4),
            li + 2,
            li + 2,
            false),
        // match with the entry in the middle
        new MaybeAppendCase(
            "middle, replace last",
            new EntryId(lt - 1, li - 1),
            li,
            index(li).terms(4),
            li,
            li,
            false),
        new MaybeAppendCase(
            "middle, replace two",
            new EntryId(lt - 2, li - 2),
            li,
            index(li - 1).terms(4),
            li - 1,
            li - 1,
            false),
        new MaybeAppendCase(
            "conflict with committed entry",
            new EntryId(lt - 3, li - 3),
            li,
            index(li - 2).terms(4),
            li - 2,
            li - 2,
            true),
        new MaybeAppendCase(
            "middle, two new",
            new EntryId(lt - 2, li - 2),
            li,
            index(li - 1).terms(4, 4),
            li,
            li,
            false));
  }

  @ParameterizedTest
  @MethodSource("maybeAppendCases")
  void logMaybeAppend(MaybeAppendCase c) {
    // A high enough leader term makes the slice a valid append message.
    LogSlice app = new LogSlice(100, c.prev(), c.ents());
    assertThat(app.valid()).isNull();

    RaftLog l = logWith(index(1).terms(1, 2, 3));
    l.setCommitted(1);

    if (c.wantPanic()) {
      assertThatThrownBy(() -> l.maybeAppend(app, c.committed()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("entry 1 conflict with committed entry [committed(1)]");
      return;
    }
    long lasti = l.maybeAppend(app, c.committed());
    assertThat(lasti).isEqualTo(c.wantLasti());
    assertThat(l.committed()).isEqualTo(c.wantCommit());
    if (lasti != RaftLog.NOT_APPENDED && !c.ents().isEmpty()) {
      long last = l.lastIndex();
      assertThat(l.slice(last - c.ents().size() + 1, last + 1, NO_LIMIT)).isEqualTo(c.ents());
    }
  }

  @Test
  void compactionSideEffects() {
    // 1000 entries: 750 in stable storage and 250 unstable.
    long lastIndex = 1000;
    long unstableIndex = 750;
    MemoryStorage storage = newStorage();
    storage.append(index(1).termRange(1, unstableIndex + 1));
    RaftLog l = RaftLog.newLog(storage, LOGGER);
    l.append(index(unstableIndex + 1).termRange(unstableIndex + 1, lastIndex + 1));

    assertThat(l.maybeCommit(l.lastEntryID())).isTrue();
    l.appliedTo(l.committed(), 0);

    long offset = 500;
    storage.compact(offset);
    assertThat(l.lastIndex()).isEqualTo(lastIndex);

    for (long j = offset; j <= l.lastIndex(); j++) {
      assertThat(l.term(j)).isEqualTo(j);
    }
    for (long j = offset; j <= l.lastIndex(); j++) {
      assertThat(l.matchTerm(new EntryId(j, j))).isTrue();
    }

    List<Entry> unstableEnts = l.nextUnstableEnts();
    assertThat(unstableEnts).hasSize(250);
    assertThat(unstableEnts.get(0).getIndex()).isEqualTo(751);

    long prev = l.lastIndex();
    l.append(List.of(entry(l.lastIndex() + 1, l.lastIndex() + 1)));
    assertThat(l.lastIndex()).isEqualTo(prev + 1);

    assertThat(l.entries(l.lastIndex(), NO_LIMIT)).hasSize(1);
  }

  /** etcd's apply-test log: snapshot at 3, entry 4 stable, 5 and 6 unstable, 5 committed. */
  static RaftLog applyLog(long maxSize) {
    List<Entry> ents = index(4).terms(1, 1, 1);
    MemoryStorage storage = newStorage();
    storage.applySnapshot(snap(3, 1));
    storage.append(ents.subList(0, 1));
    RaftLog l = RaftLog.newLogWithSize(storage, LOGGER, maxSize);
    l.append(ents);
    l.stableTo(new EntryId(1, 4));
    l.maybeCommit(new EntryId(1, 5));
    return l;
  }

  record CommittedCase(
      long applied,
      long applying,
      boolean allowUnstable,
      boolean paused,
      boolean snap,
      List<Entry> wantEnts) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<CommittedCase> committedEntsCases() {
    List<Entry> ents = index(4).terms(1, 1, 1);
    List<Entry> none = List.of();
    return Stream.of(
        new CommittedCase(3, 3, true, false, false, ents.subList(0, 2)),
        new CommittedCase(3, 4, true, false, false, ents.subList(1, 2)),
        new CommittedCase(3, 5, true, false, false, none),
        new CommittedCase(4, 4, true, false, false, ents.subList(1, 2)),
        new CommittedCase(4, 5, true, false, false, none),
        new CommittedCase(5, 5, true, false, false, none),
        // Don't allow unstable entries.
        new CommittedCase(3, 3, false, false, false, ents.subList(0, 1)),
        new CommittedCase(3, 4, false, false, false, none),
        new CommittedCase(3, 5, false, false, false, none),
        new CommittedCase(4, 4, false, false, false, none),
        new CommittedCase(4, 5, false, false, false, none),
        new CommittedCase(5, 5, false, false, false, none),
        // Paused.
        new CommittedCase(3, 3, true, true, false, none),
        // With snapshot.
        new CommittedCase(3, 3, true, false, true, none));
  }

  private static RaftLog committedLog(CommittedCase c) {
    RaftLog l = applyLog(NO_LIMIT);
    l.appliedTo(c.applied(), 0);
    l.acceptApplying(c.applying(), 0, c.allowUnstable());
    l.setApplyingEntsPaused(c.paused());
    if (c.snap()) {
      l.restore(snap(4, 1));
    }
    return l;
  }

  @ParameterizedTest
  @MethodSource("committedEntsCases")
  void hasNextCommittedEnts(CommittedCase c) {
    RaftLog l = committedLog(c);
    assertThat(l.hasNextCommittedEnts(c.allowUnstable())).isEqualTo(!c.wantEnts().isEmpty());
  }

  @ParameterizedTest
  @MethodSource("committedEntsCases")
  void nextCommittedEnts(CommittedCase c) {
    RaftLog l = committedLog(c);
    assertThat(l.nextCommittedEnts(c.allowUnstable())).isEqualTo(c.wantEnts());
  }

  record AcceptApplyingCase(long index, boolean allowUnstable, long size, boolean wantPaused) {}

  static Stream<AcceptApplyingCase> acceptApplyingCases() {
    long max = 100;
    return Stream.of(
        new AcceptApplyingCase(3, true, max - 1, true),
        new AcceptApplyingCase(3, true, max, true),
        new AcceptApplyingCase(3, true, max + 1, true),
        new AcceptApplyingCase(4, true, max - 1, true),
        new AcceptApplyingCase(4, true, max, true),
        new AcceptApplyingCase(4, true, max + 1, true),
        new AcceptApplyingCase(5, true, max - 1, false),
        new AcceptApplyingCase(5, true, max, true),
        new AcceptApplyingCase(5, true, max + 1, true),
        // Don't allow unstable entries.
        new AcceptApplyingCase(3, false, max - 1, true),
        new AcceptApplyingCase(3, false, max, true),
        new AcceptApplyingCase(3, false, max + 1, true),
        new AcceptApplyingCase(4, false, max - 1, false),
        new AcceptApplyingCase(4, false, max, true),
        new AcceptApplyingCase(4, false, max + 1, true),
        new AcceptApplyingCase(5, false, max - 1, false),
        new AcceptApplyingCase(5, false, max, true),
        new AcceptApplyingCase(5, false, max + 1, true));
  }

  @ParameterizedTest
  @MethodSource("acceptApplyingCases")
  void acceptApplying(AcceptApplyingCase c) {
    RaftLog l = applyLog(100);
    l.appliedTo(3, 0);
    l.acceptApplying(c.index(), c.size(), c.allowUnstable());
    assertThat(l.applyingEntsPaused()).isEqualTo(c.wantPaused());
  }

  record AppliedToCase(long index, long size, long wantApplyingSize, boolean wantPaused) {}

  static Stream<AppliedToCase> appliedToCases() {
    long max = 100;
    long over = 5;
    return Stream.of(
        // Apply some of the in-progress entries (applying = 5 below).
        new AppliedToCase(4, over - 1, max + 1, true),
        new AppliedToCase(4, over, max, true),
        new AppliedToCase(4, over + 1, max - 1, false),
        // Apply all of the in-progress entries.
        new AppliedToCase(5, over - 1, max + 1, true),
        new AppliedToCase(5, over, max, true),
        new AppliedToCase(5, over + 1, max - 1, false),
        // Apply all of the outstanding bytes.
        new AppliedToCase(4, max + over, 0, false),
        // Apply more than the outstanding bytes: the accounting does not underflow.
        new AppliedToCase(4, max + over + 1, 0, false));
  }

  @ParameterizedTest
  @MethodSource("appliedToCases")
  void appliedTo(AppliedToCase c) {
    RaftLog l = applyLog(100);
    l.appliedTo(3, 0);
    l.acceptApplying(5, 100 + 5, false);

    l.appliedTo(c.index(), c.size());
    assertThat(l.applied()).isEqualTo(c.index());
    assertThat(l.applying()).isEqualTo(5);
    assertThat(l.applyingEntsSize()).isEqualTo(c.wantApplyingSize());
    assertThat(l.applyingEntsPaused()).isEqualTo(c.wantPaused());
  }

  @Test
  void appliedTo_andAcceptApplying_outOfRange_panic() {
    RaftLog l = applyLog(100);
    assertThatThrownBy(() -> l.appliedTo(6, 0))
        .hasMessage("applied(6) is out of range [prevApplied(3), committed(5)]");
    assertThatThrownBy(() -> l.appliedTo(2, 0))
        .hasMessage("applied(2) is out of range [prevApplied(3), committed(5)]");
    assertThatThrownBy(() -> l.acceptApplying(6, 0, true))
        .hasMessage("applying(6) is out of range [prevApplying(3), committed(5)]");
  }

  @Test
  void nextCommittedEnts_sizeLimited_pausesUntilApplied() {
    long entrySize = index(4).terms(1).get(0).getSerializedSize();
    // Room for one entry and a bit: entries 4 and 5 are committed.
    RaftLog l = applyLog(entrySize + 1);
    List<Entry> first = l.nextCommittedEnts(true);
    assertThat(first).isEqualTo(index(4).terms(1));
    l.acceptApplying(4, Util.entsSize(first), true);
    assertThat(l.applyingEntsPaused()).isTrue();
    assertThat(l.nextCommittedEnts(true)).isEmpty();
    l.appliedTo(4, Util.entsSize(first));
    assertThat(l.nextCommittedEnts(true)).isEqualTo(index(5).terms(1));
  }

  record NextUnstableCase(int unstable, List<Entry> wantEnts) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<NextUnstableCase> nextUnstableEntsCases() {
    return Stream.of(
        new NextUnstableCase(3, List.of()), new NextUnstableCase(1, index(1).terms(1, 2)));
  }

  @ParameterizedTest
  @MethodSource("nextUnstableEntsCases")
  void nextUnstableEnts(NextUnstableCase c) {
    List<Entry> previousEnts = index(1).terms(1, 2);
    // Stable entries go to storage, unstable ones to the log.
    RaftLog l =
        logOn(
            null,
            previousEnts.subList(0, c.unstable() - 1),
            previousEnts.subList(c.unstable() - 1, previousEnts.size()));

    List<Entry> ents = l.nextUnstableEnts();
    if (!ents.isEmpty()) {
      l.stableTo(EntryId.of(ents.get(ents.size() - 1)));
    }
    assertThat(ents).isEqualTo(c.wantEnts());
    assertThat(l.unstable().offset()).isEqualTo(3);
  }

  record CommitToCase(long commit, long wantCommit, boolean wantPanic) {}

  static Stream<CommitToCase> commitToCases() {
    return Stream.of(
        new CommitToCase(3, 3, false),
        new CommitToCase(1, 2, false), // never decrease
        new CommitToCase(4, 0, true)); // out of range
  }

  @ParameterizedTest
  @MethodSource("commitToCases")
  void commitTo(CommitToCase c) {
    RaftLog l = logWith(index(1).terms(1, 2, 3));
    l.setCommitted(2);
    if (c.wantPanic()) {
      assertThatThrownBy(() -> l.commitTo(c.commit()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "tocommit(4) is out of range [lastIndex(3)]. "
                  + "Was the raft log corrupted, truncated, or lost?");
      return;
    }
    l.commitTo(c.commit());
    assertThat(l.committed()).isEqualTo(c.wantCommit());
  }

  record StableToCase(long stablei, long stablet, long wantUnstable) {}

  static Stream<StableToCase> stableToCases() {
    return Stream.of(
        new StableToCase(1, 1, 2),
        new StableToCase(2, 2, 3),
        new StableToCase(2, 1, 1), // bad term
        new StableToCase(3, 1, 1)); // bad index
  }

  @ParameterizedTest
  @MethodSource("stableToCases")
  void stableTo(StableToCase c) {
    RaftLog l = logWith(index(1).terms(1, 2));
    l.stableTo(new EntryId(c.stablet(), c.stablei()));
    assertThat(l.unstable().offset()).isEqualTo(c.wantUnstable());
  }

  record StableToWithSnapCase(long stablei, long stablet, List<Entry> newEnts, long wantUnstable) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<StableToWithSnapCase> stableToWithSnapCases() {
    long si = 5;
    long st = 2;
    List<Entry> none = List.of();
    List<Entry> one = index(si + 1).terms(st);
    return Stream.of(
        new StableToWithSnapCase(si + 1, st, none, si + 1),
        new StableToWithSnapCase(si, st, none, si + 1),
        new StableToWithSnapCase(si - 1, st, none, si + 1),
        new StableToWithSnapCase(si + 1, st + 1, none, si + 1),
        new StableToWithSnapCase(si, st + 1, none, si + 1),
        new StableToWithSnapCase(si - 1, st + 1, none, si + 1),
        new StableToWithSnapCase(si + 1, st, one, si + 2),
        new StableToWithSnapCase(si, st, one, si + 1),
        new StableToWithSnapCase(si - 1, st, one, si + 1),
        new StableToWithSnapCase(si + 1, st + 1, one, si + 1),
        new StableToWithSnapCase(si, st + 1, one, si + 1),
        new StableToWithSnapCase(si - 1, st + 1, one, si + 1));
  }

  @ParameterizedTest
  @MethodSource("stableToWithSnapCases")
  void stableToWithSnap(StableToWithSnapCase c) {
    RaftLog l = logOn(snap(5, 2), List.of(), c.newEnts());
    l.stableTo(new EntryId(c.stablet(), c.stablei()));
    assertThat(l.unstable().offset()).isEqualTo(c.wantUnstable());
  }

  @Test
  void toString_readsAsEtcds() {
    RaftLog l = applyLog(NO_LIMIT);
    assertThat(l.toString())
        .isEqualTo(
            "committed=5, applied=3, applying=3, unstable.offset=5, "
                + "unstable.offsetInProgress=5, len(unstable.Entries)=2");
  }

  @Test
  void restore_logsAndCommitsToTheSnapshot() {
    RecordingRaftLogger log = new RecordingRaftLogger();
    MemoryStorage storage = newStorage();
    RaftLog l = RaftLog.newLog(storage, log);
    l.append(index(1).terms(1, 1));
    l.restore(snap(10, 3));
    assertThat(log.lines)
        .containsExactly(
            "INFO log [committed=0, applied=0, applying=0, unstable.offset=1, "
                + "unstable.offsetInProgress=1, len(unstable.Entries)=2] starts to restore "
                + "snapshot [index: 10, term: 3]");
    assertThat(l.committed()).isEqualTo(10);
    assertThat(l.lastEntryID()).isEqualTo(new EntryId(3, 10));
    assertThat(l.hasNextUnstableSnapshot()).isTrue();
    assertThat(l.nextUnstableSnapshot()).isEqualTo(snap(10, 3));
    l.acceptUnstable();
    assertThat(l.hasNextUnstableSnapshot()).isFalse();
    assertThat(l.hasNextOrInProgressSnapshot()).isTrue();
    assertThat(l.snapshot()).isEqualTo(snap(10, 3));
    l.stableSnapTo(10);
    assertThat(l.hasNextOrInProgressSnapshot()).isFalse();
  }

  @Test
  void maybeCommit_needsMatchingNonZeroTerm() {
    RaftLog l = logWith(index(1).terms(1, 2, 3));
    assertThat(l.maybeCommit(new EntryId(0, 1))).isFalse();
    assertThat(l.maybeCommit(new EntryId(1, 2))).isFalse();
    assertThat(l.maybeCommit(new EntryId(2, 2))).isTrue();
    assertThat(l.maybeCommit(new EntryId(2, 2))).isFalse();
    assertThat(l.committed()).isEqualTo(2);
  }

  @Test
  void largestTermsAndIndexes_compareAsPlainLongs() {
    // Terms and indexes are never negative (Raft.step rejects messages carrying a negative one,
    // see TermsAndIndexesTest), so the largest is Long.MAX_VALUE and plain comparisons hold.
    long max = Long.MAX_VALUE;
    RaftLog l = logWith(index(1).terms(1, 2, 3));
    // An index past the end is unavailable, so it may match: Go returns it with term 0.
    assertThat(l.findConflictByTerm(max, 2)).isEqualTo(new EntryId(0, max));
    assertThat(l.isUpToDate(new EntryId(max, 0))).isTrue();
    assertThat(l.isUpToDate(new EntryId(3, max))).isTrue();
    assertThat(l.isUpToDate(new EntryId(2, max))).isFalse();
    assertThat(l.matchTerm(new EntryId(max, max))).isFalse();
    assertThat(l.zeroTermOnOutOfBounds(max)).isZero();
    assertThatThrownBy(() -> l.term(max)).isSameAs(UnavailableException.INSTANCE);
    assertThatThrownBy(() -> l.commitTo(max))
        .hasMessage(
            "tocommit(9223372036854775807) is out of range [lastIndex(3)]. "
                + "Was the raft log corrupted, truncated, or lost?");
  }

  @Test
  void entriesWithType_areLargerOnTheWire() {
    // Presence is behaviour: a set Type adds two bytes, and size limits count it.
    Entry plain = entry(7, 7);
    Entry typed = plain.toBuilder().setType(EntryType.EntryNormal).build();
    assertThat(typed.getSerializedSize()).isEqualTo(plain.getSerializedSize() + 2);
    List<Entry> two = new ArrayList<>(List.of(typed, typed));
    assertThat(Util.entsSize(two)).isEqualTo(2L * typed.getSerializedSize());
  }
}
