package io.raftj.simulation;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The terms of a member's log as the checkers model it: a snapshot's index and term, then one term
 * per index. Compaction is not modelled: an entry stays until a conflicting one or a received
 * snapshot replaces it.
 */
final class LogView {
  long snapIndex;
  long snapTerm;
  final TreeMap<Long, Long> terms = new TreeMap<>();

  /** The log a reopened storage holds. */
  static LogView of(MemoryStorage ms) {
    LogView v = new LogView();
    v.snapIndex = ms.snapshot().getMetadata().getIndex();
    v.snapTerm = ms.snapshot().getMetadata().getTerm();
    for (long i = ms.firstIndex(); i <= ms.lastIndex(); i++) {
      v.terms.put(i, ms.term(i));
    }
    return v;
  }

  /** Appends entries, first cutting off any conflicting suffix (as the storage does). */
  void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    terms.tailMap(entries.get(0).getIndex(), true).clear();
    for (int i = 0; i < entries.size(); i++) {
      terms.put(entries.get(i).getIndex(), entries.get(i).getTerm());
    }
  }

  /** A snapshot received from the leader: it replaces the whole log. */
  void replaceBySnapshot(long index, long term) {
    terms.clear();
    snapIndex = index;
    snapTerm = term;
  }

  /** A local snapshot: the entries stay, the base moves up. */
  void snapshotAt(long index) {
    if (index > snapIndex) {
      Long t = terms.get(index);
      snapIndex = index;
      snapTerm = t == null ? snapTerm : t;
    }
  }

  /** The term at {@code i}, or null if this log does not hold it. */
  Long term(long i) {
    if (i == snapIndex) {
      return snapTerm;
    }
    return terms.get(i);
  }

  long lastIndex() {
    return terms.isEmpty() ? snapIndex : Math.max(snapIndex, terms.lastKey());
  }

  LogView copy() {
    LogView v = new LogView();
    v.snapIndex = snapIndex;
    v.snapTerm = snapTerm;
    v.terms.putAll(terms);
    return v;
  }

  Iterable<Map.Entry<Long, Long>> entries() {
    return terms.entrySet();
  }
}
