package io.raftj.raft;

import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.internal.Presence;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports etcd's storage_test.go, plus the guarantees MemoryStorage's views and snapshots give. */
final class MemoryStorageTest {

  private static final RaftLogger LOGGER = RaftLogger.discard();

  private static MemoryStorage storageOf(List<Entry> ents) {
    return new MemoryStorage(ents, LOGGER);
  }

  private static long size(Entry e) {
    return e.getSerializedSize();
  }

  record TermCase(long i, StorageException wantErr, long wantTerm) {}

  static Stream<TermCase> termCases() {
    return Stream.of(
        new TermCase(2, CompactedException.INSTANCE, 0),
        new TermCase(3, null, 3),
        new TermCase(4, null, 4),
        new TermCase(5, null, 5),
        new TermCase(6, UnavailableException.INSTANCE, 0));
  }

  @ParameterizedTest
  @MethodSource("termCases")
  void storageTerm(TermCase c) {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    if (c.wantErr() != null) {
      assertThatThrownBy(() -> s.term(c.i())).isSameAs(c.wantErr());
    } else {
      assertThat(s.term(c.i())).isEqualTo(c.wantTerm());
    }
  }

  record EntriesCase(
      String name, long lo, long hi, long maxSize, StorageException wantErr, List<Entry> want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<EntriesCase> entriesCases() {
    List<Entry> ents = index(3).terms(3, 4, 5, 6);
    long s1 = size(ents.get(1));
    long s2 = size(ents.get(2));
    long s3 = size(ents.get(3));
    long max = RaftConstants.NO_LIMIT;
    return Stream.of(
        new EntriesCase("compacted [2,6)", 2, 6, max, CompactedException.INSTANCE, null),
        new EntriesCase("compacted [3,4)", 3, 4, max, CompactedException.INSTANCE, null),
        new EntriesCase("[4,5)", 4, 5, max, null, index(4).terms(4)),
        new EntriesCase("[4,6)", 4, 6, max, null, index(4).terms(4, 5)),
        new EntriesCase("[4,7)", 4, 7, max, null, index(4).terms(4, 5, 6)),
        new EntriesCase("maxSize 0 still one entry", 4, 7, 0, null, index(4).terms(4)),
        new EntriesCase("limit to 2", 4, 7, s1 + s2, null, index(4).terms(4, 5)),
        new EntriesCase("limit to 2, half", 4, 7, s1 + s2 + s3 / 2, null, index(4).terms(4, 5)),
        new EntriesCase(
            "limit to 2, one short", 4, 7, s1 + s2 + s3 - 1, null, index(4).terms(4, 5)),
        new EntriesCase("all", 4, 7, s1 + s2 + s3, null, index(4).terms(4, 5, 6)));
  }

  @ParameterizedTest
  @MethodSource("entriesCases")
  void storageEntries(EntriesCase c) {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5, 6));
    if (c.wantErr() != null) {
      assertThatThrownBy(() -> s.entries(c.lo(), c.hi(), c.maxSize())).isSameAs(c.wantErr());
    } else {
      assertThat(s.entries(c.lo(), c.hi(), c.maxSize())).isEqualTo(c.want());
    }
  }

  @Test
  void storageLastIndex() {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    assertThat(s.lastIndex()).isEqualTo(5);

    s.append(index(6).terms(5));
    assertThat(s.lastIndex()).isEqualTo(6);
  }

  @Test
  void storageFirstIndex() {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    assertThat(s.firstIndex()).isEqualTo(4);

    s.compact(4);
    assertThat(s.firstIndex()).isEqualTo(5);
  }

  record CompactCase(
      long i, StorageException wantErr, long wantIndex, long wantTerm, int wantLen) {}

  static Stream<CompactCase> compactCases() {
    return Stream.of(
        new CompactCase(2, CompactedException.INSTANCE, 3, 3, 3),
        new CompactCase(3, CompactedException.INSTANCE, 3, 3, 3),
        new CompactCase(4, null, 4, 4, 2),
        new CompactCase(5, null, 5, 5, 1));
  }

  @ParameterizedTest
  @MethodSource("compactCases")
  void storageCompact(CompactCase c) {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    if (c.wantErr() != null) {
      assertThatThrownBy(() -> s.compact(c.i())).isSameAs(c.wantErr());
    } else {
      s.compact(c.i());
    }
    List<Entry> ents = s.ents();
    assertThat(ents.get(0).getIndex()).isEqualTo(c.wantIndex());
    assertThat(ents.get(0).getTerm()).isEqualTo(c.wantTerm());
    assertThat(ents).hasSize(c.wantLen());
  }

  record CreateSnapshotCase(long i, Snapshot want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static Stream<CreateSnapshotCase> createSnapshotCases() {
    ConfState cs = ConfState.newBuilder().addAllVoters(List.of(1L, 2L, 3L)).build();
    return Stream.of(
        new CreateSnapshotCase(4, TestEntries.snap(4, 4, cs, "data")),
        new CreateSnapshotCase(5, TestEntries.snap(5, 5, cs, "data")));
  }

  @ParameterizedTest
  @MethodSource("createSnapshotCases")
  void storageCreateSnapshot(CreateSnapshotCase c) {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    ConfState cs = ConfState.newBuilder().addAllVoters(List.of(1L, 2L, 3L)).build();
    Snapshot snap = s.createSnapshot(c.i(), cs, ByteString.copyFromUtf8("data"));
    assertThat(snap).isEqualTo(c.want());
    // As etcd's Snapshot(), the stored snapshot comes back with auto_leave present.
    assertThat(s.snapshot()).isEqualTo(Presence.ensure(c.want()));
    assertThat(s.snapshot().getMetadata().getConfState().hasAutoLeave()).isTrue();
  }

  @Test
  void storageCreateSnapshot_outOfDateOrOutOfBound_fails() {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    s.createSnapshot(4, null, null);
    assertThatThrownBy(() -> s.createSnapshot(4, null, null))
        .isSameAs(SnapOutOfDateException.INSTANCE);
    assertThatThrownBy(() -> s.createSnapshot(6, null, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("snapshot 6 is out of bound lastindex(5)");
  }

  record AppendCase(String name, List<Entry> entries, List<Entry> want) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<AppendCase> appendCases() {
    return Stream.of(
        new AppendCase("all compacted", index(1).terms(1, 2), index(3).terms(3, 4, 5)),
        new AppendCase("same entries", index(3).terms(3, 4, 5), index(3).terms(3, 4, 5)),
        new AppendCase("replace", index(3).terms(3, 6, 6), index(3).terms(3, 6, 6)),
        new AppendCase(
            "replace and extend", index(3).terms(3, 4, 5, 5), index(3).terms(3, 4, 5, 5)),
        new AppendCase(
            "truncate incoming and existing, append",
            index(2).terms(3, 3, 5),
            index(3).terms(3, 5)),
        new AppendCase("truncate existing and append", index(4).terms(5), index(3).terms(3, 5)),
        new AppendCase("direct append", index(6).terms(5), index(3).terms(3, 4, 5, 5)));
  }

  @ParameterizedTest
  @MethodSource("appendCases")
  void storageAppend(AppendCase c) {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    s.append(c.entries());
    assertThat(s.ents()).isEqualTo(c.want());
  }

  @Test
  void storageAppend_gap_panics() {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    assertThatThrownBy(() -> s.append(index(7).terms(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing log entry [last: 5, append at: 7]");
  }

  record ApplySnapshotCase(String name, List<Snapshot> snapshots, StorageException wantErr) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ApplySnapshotCase> applySnapshotCases() {
    ConfState cs = ConfState.newBuilder().addAllVoters(List.of(1L, 2L, 3L)).build();
    Snapshot bootstrap =
        Snapshot.newBuilder()
            .setData(ByteString.copyFromUtf8("data"))
            .setMetadata(SnapshotMetadata.newBuilder().setConfState(cs))
            .build();
    return Stream.of(
        new ApplySnapshotCase("normal case", List.of(TestEntries.snap(4, 4, cs, "data")), null),
        new ApplySnapshotCase(
            "snapshot out of date",
            List.of(TestEntries.snap(4, 4, cs, "data"), TestEntries.snap(3, 3, cs, "data")),
            SnapOutOfDateException.INSTANCE),
        new ApplySnapshotCase("bootstrap with confState", List.of(bootstrap), null));
  }

  @ParameterizedTest
  @MethodSource("applySnapshotCases")
  void storageApplySnapshot(ApplySnapshotCase c) {
    MemoryStorage s = new MemoryStorage(LOGGER);
    List<Snapshot> snaps = c.snapshots();
    for (int i = 0; i < snaps.size() - 1; i++) {
      s.applySnapshot(snaps.get(i));
    }
    Snapshot last = snaps.get(snaps.size() - 1);
    if (c.wantErr() != null) {
      assertThatThrownBy(() -> s.applySnapshot(last)).isSameAs(c.wantErr());
      return;
    }
    s.applySnapshot(last);
    long index = last.getMetadata().getIndex();
    assertThat(s.snapshot().getMetadata().getConfState().getVotersList())
        .containsExactly(1L, 2L, 3L);
    assertThat(s.firstIndex()).isEqualTo(index + 1);
    assertThat(s.lastIndex()).isEqualTo(index);
    assertThat(s.term(index)).isEqualTo(last.getMetadata().getTerm());
  }

  @Test
  void newStorage_isEmpty_withEtcdsEnsuredSnapshot() {
    MemoryStorage s = new MemoryStorage(LOGGER);
    assertThat(s.firstIndex()).isEqualTo(1);
    assertThat(s.lastIndex()).isZero();
    assertThat(s.term(0)).isZero();
    assertThatThrownBy(() -> s.entries(1, 1, RaftConstants.NO_LIMIT))
        .isSameAs(UnavailableException.INSTANCE);
    InitialState st = s.initialState();
    assertThat(Util.isEmptyHardState(st.hardState())).isTrue();
    assertThat(st.confState().getVotersList()).isEmpty();
    // etcd's EnsureSnapshot sets every metadata field, so they are present on the wire.
    Snapshot snap = s.snapshot();
    assertThat(snap.hasMetadata()).isTrue();
    assertThat(snap.getMetadata().hasIndex()).isTrue();
    assertThat(snap.getMetadata().hasTerm()).isTrue();
    assertThat(snap.getMetadata().getConfState().hasAutoLeave()).isTrue();
    assertThat(snap.hasData()).isFalse();
  }

  @Test
  void applySnapshot_fillsInAbsentMetadataFields() {
    MemoryStorage s = new MemoryStorage(LOGGER);
    s.applySnapshot(TestEntries.snap(5, 2));
    SnapshotMetadata md = s.snapshot().getMetadata();
    assertThat(md.hasConfState()).isTrue();
    assertThat(md.getConfState().hasAutoLeave()).isTrue();
    assertThat(s.initialState().confState().hasAutoLeave()).isTrue();
  }

  @Test
  void setHardState_isReturnedByInitialState() {
    MemoryStorage s = new MemoryStorage(LOGGER);
    HardState hs = HardState.newBuilder().setTerm(3).setVote(2).setCommit(1).build();
    s.setHardState(hs);
    assertThat(s.initialState().hardState()).isEqualTo(hs);
  }

  @Test
  void entries_viewUnchangedByLaterTruncationAndCompaction() {
    MemoryStorage s = storageOf(index(3).terms(3, 4, 5));
    List<Entry> before = s.entries(4, 6, RaftConstants.NO_LIMIT);
    s.append(index(5).terms(6, 6));
    s.compact(5);
    assertThat(before).isEqualTo(index(4).terms(4, 5));
    assertThat(s.entries(6, 7, RaftConstants.NO_LIMIT)).isEqualTo(index(6).terms(6));
    assertThatThrownBy(() -> before.add(TestEntries.entry(9, 9)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
