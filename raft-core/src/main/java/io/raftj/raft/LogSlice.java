package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.raftpb.Entry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A contiguous piece of a leader's log: the entries that follow {@code prev}, as the leader at
 * {@code term} has them. Mirrors {@code logSlice} in etcd's {@code types.go}.
 *
 * <p>A well-formed slice satisfies, for entries {@code e[0..n)}: (1) {@code e[i].index ==
 * prev.index + 1 + i}; (2) {@code prev.term <= e[0].term}; (3) terms never decrease; (4) no entry
 * has a term above {@code term}. Two slices at the same leader term never disagree at an index.
 *
 * <p>{@link #valid()} checks these. Like etcd v3.7.0, {@code Raft.handleAppendEntries} builds a
 * slice from each {@code MsgApp} and does not call it: a leader's message is trusted to be
 * well-formed (etcd keeps validating it there as a to-do). Tests and {@code RaftLog}'s callers that
 * build slices by hand check them with {@link #valid()}.
 *
 * @param term the leader term whose log holds the entries
 * @param prev the ID of the entry just before the first entry
 * @param entries the entries, shared and not modified
 */
record LogSlice(long term, EntryId prev, List<Entry> entries) {

  /** The index of the last entry, or {@code prev.index()} when there are no entries. */
  long lastIndex() {
    return prev.index() + entries.size();
  }

  /** The ID of the last entry, or {@code prev} when there are no entries. */
  EntryId lastEntryID() {
    int n = entries.size();
    return n == 0 ? prev : EntryId.of(entries.get(n - 1));
  }

  /**
   * Checks that the slice is well-formed (see the class comment).
   *
   * @return null if it is, otherwise etcd's error text
   */
  @Nullable String valid() {
    long prevTerm = prev.term();
    long prevIndex = prev.index();
    for (int i = 0, n = entries.size(); i < n; i++) {
      Entry e = entries.get(i);
      long t = e.getTerm();
      long idx = e.getIndex();
      if (t < prevTerm || idx != prevIndex + 1) {
        return GoFormat.format(
            "leader term %d: entries %+v and %+v not consistent",
            term, new EntryId(prevTerm, prevIndex), EntryId.of(e));
      }
      prevTerm = t;
      prevIndex = idx;
    }
    if (term < prevTerm) {
      return GoFormat.format(
          "leader term %d: entry %+v has a newer term", term, new EntryId(prevTerm, prevIndex));
    }
    return null;
  }
}
