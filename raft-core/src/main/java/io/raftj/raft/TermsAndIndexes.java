package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;

/**
 * The boundary check behind the core's unsigned policy (see the package documentation): terms and
 * indexes are {@code long}s that are never negative, so inside the core they are compared with
 * plain operators. etcd's are {@code uint64}; a value at or above 2^63, which a Java {@code long}
 * holds as negative, is rejected where it enters, before any comparison sees it.
 */
final class TermsAndIndexes {

  private TermsAndIndexes() {}

  /**
   * Checks every term and index a message carries: its own, its entries' and its snapshot's. Node
   * IDs ({@code to}, {@code from}, {@code vote}) are unsigned and not checked.
   *
   * @throws IllegalArgumentException if one is negative (above 2^63-1 as Go's uint64)
   */
  static void check(Message m) {
    long any = m.getTerm() | m.getLogTerm() | m.getIndex() | m.getCommit() | m.getRejectHint();
    List<Entry> ents = m.getEntriesList();
    for (int i = 0, n = ents.size(); i < n; i++) {
      Entry e = ents.get(i);
      any |= e.getTerm() | e.getIndex();
    }
    if (m.hasSnapshot()) {
      SnapshotMetadata md = m.getSnapshot().getMetadata();
      any |= md.getTerm() | md.getIndex();
    }
    if (any < 0) {
      throw new IllegalArgumentException(
          GoFormat.format(
              "raft: %s from %x carries a term or index above 2^63-1: %v",
              m.getType(), m.getFrom(), m));
    }
  }
}
