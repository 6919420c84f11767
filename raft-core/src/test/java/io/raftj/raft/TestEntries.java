package io.raftj.raft;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/** Builders for test logs, as etcd's {@code index(i).terms(...)} helpers in log_test.go. */
final class TestEntries {

  private TestEntries() {}

  /** The entries built from here start at index {@code first}. */
  static Index index(long first) {
    return new Index(first);
  }

  /** A first index to build entries from. */
  record Index(long first) {

    /** Entries at consecutive indexes with the given terms; only Term and Index are set. */
    List<Entry> terms(long... terms) {
      List<Entry> out = new ArrayList<>(terms.length);
      for (int i = 0; i < terms.length; i++) {
        out.add(Entry.newBuilder().setTerm(terms[i]).setIndex(first + i).build());
      }
      return out;
    }

    /**
     * Entries at consecutive indexes with the consecutive terms {@code [from, to)}; Type is set (to
     * EntryNormal) as well.
     */
    List<Entry> termRange(long from, long to) {
      List<Entry> out = new ArrayList<>((int) (to - from));
      long index = first;
      for (long term = from; term < to; term++) {
        out.add(
            Entry.newBuilder()
                .setTerm(term)
                .setIndex(index++)
                .setType(EntryType.EntryNormal)
                .build());
      }
      return out;
    }
  }

  /** One entry with only Term and Index set. */
  static Entry entry(long index, long term) {
    return Entry.newBuilder().setTerm(term).setIndex(index).build();
  }

  /** A snapshot whose metadata has only the index and term set. */
  static Snapshot snap(long index, long term) {
    return Snapshot.newBuilder()
        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term))
        .build();
  }

  /** A snapshot with data, index, term and a configuration of the given voters. */
  static Snapshot snap(long index, long term, ConfState cs, String data) {
    return Snapshot.newBuilder()
        .setData(com.google.protobuf.ByteString.copyFromUtf8(data))
        .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs))
        .build();
  }

  /** Concatenates entry lists. */
  @SafeVarargs
  static List<Entry> concat(List<Entry>... parts) {
    List<Entry> out = new ArrayList<>();
    for (List<Entry> p : parts) {
      out.addAll(p);
    }
    return out;
  }
}
