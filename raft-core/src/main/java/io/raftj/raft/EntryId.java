package io.raftj.raft;

import io.raftj.raft.raftpb.Entry;

/**
 * Identifies a log entry by the term of the leader that created it and its index; at most one entry
 * can ever exist for a given pair. Mirrors {@code entryID} in etcd's {@code types.go}.
 *
 * <p>{@link #toString()} prints Go's {@code %+v} of an {@code entryID}, {@code {term:5 index:10}},
 * because log and error texts contain it.
 *
 * @param term the term of the leader that appended the entry first
 * @param index the position of the entry in the log
 */
record EntryId(long term, long index) {

  /** The ID of {@code entry} (etcd's {@code pbEntryID}). */
  static EntryId of(Entry entry) {
    return new EntryId(entry.getTerm(), entry.getIndex());
  }

  @Override
  public String toString() {
    return "{term:" + Long.toUnsignedString(term) + " index:" + Long.toUnsignedString(index) + "}";
  }
}
