package io.raftj.raft;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * Small helpers on the protocol types: emptiness checks for hard states and snapshots, and entry
 * sizes for the size budgets. Mirrors the size helpers of etcd's {@code util.go} and {@code
 * IsEmptyHardState}/{@code IsEmptySnap} of {@code node.go}.
 *
 * <p>Sizes come in two kinds, as in etcd. An <em>encoding</em> size ({@link #entsSize}, {@link
 * #limitSize}) is the protobuf-encoded size of the entries, which is what {@code MaxSizePerMsg} and
 * {@code MaxCommittedSizePerReady} budget; it depends on which fields are set. A <em>payload</em>
 * size ({@link #payloadSize}) counts only the {@code Data} bytes, so the empty entry a new leader
 * appends costs nothing against the uncommitted-log quota.
 *
 * <p>Sizes are unsigned like Go's {@code uint64}; budgets compare unsigned, so {@link
 * RaftConstants#NO_LIMIT} and {@code -1} both mean "no limit".
 */
public final class Util {

  private static final HardState EMPTY_STATE = HardState.getDefaultInstance();

  private Util() {}

  /** True if {@code st} is null or has zero term, vote and commit. */
  public static boolean isEmptyHardState(@Nullable HardState st) {
    return st == null || isHardStateEqual(st, EMPTY_STATE);
  }

  /** True if {@code sp} is null or its metadata index is zero. */
  public static boolean isEmptySnap(@Nullable Snapshot sp) {
    return sp == null || sp.getMetadata().getIndex() == 0;
  }

  /** True if {@code a} and {@code b} have the same term, vote and commit (presence ignored). */
  public static boolean isHardStateEqual(HardState a, HardState b) {
    return a.getTerm() == b.getTerm()
        && a.getVote() == b.getVote()
        && a.getCommit() == b.getCommit();
  }

  /** The total protobuf-encoded size of {@code ents}, in bytes. */
  public static long entsSize(List<Entry> ents) {
    long size = 0;
    for (int i = 0, n = ents.size(); i < n; i++) {
      size += ents.get(i).getSerializedSize();
    }
    return size;
  }

  /**
   * Returns the longest prefix of {@code ents} whose total encoded size does not exceed {@code
   * maxSize}, but never an empty prefix of a non-empty list: if the first entry alone is larger,
   * the prefix holding just that entry is returned.
   *
   * @param maxSize the budget in bytes, compared unsigned
   * @return {@code ents} itself when everything fits, otherwise a prefix view of it
   */
  public static List<Entry> limitSize(List<Entry> ents, long maxSize) {
    int n = ents.size();
    if (n == 0) {
      return ents;
    }
    long size = ents.get(0).getSerializedSize();
    for (int limit = 1; limit < n; limit++) {
      size += ents.get(limit).getSerializedSize();
      if (Long.compareUnsigned(size, maxSize) > 0) {
        return ents.subList(0, limit);
      }
    }
    return ents;
  }

  /** The size of the payload ({@code Data}) of {@code e}, in bytes. */
  public static long payloadSize(Entry e) {
    return e.getData().size();
  }

  /** The total payload size of {@code ents}, in bytes. */
  public static long payloadsSize(List<Entry> ents) {
    long size = 0;
    for (int i = 0, n = ents.size(); i < n; i++) {
      size += ents.get(i).getData().size();
    }
    return size;
  }

  /**
   * Returns an unmodifiable list of {@code dst} followed by {@code vals}, allocated at the exact
   * size (etcd's {@code extend}); returns one of them unchanged when the other is empty.
   */
  static List<Entry> extend(List<Entry> dst, List<Entry> vals) {
    int a = dst.size();
    int b = vals.size();
    if (b == 0) {
      return dst;
    }
    if (a == 0) {
      return vals;
    }
    Entry[] out = new Entry[a + b];
    for (int i = 0; i < a; i++) {
      out[i] = dst.get(i);
    }
    for (int i = 0; i < b; i++) {
      out[a + i] = vals.get(i);
    }
    return new EntryView(out, 0, out.length);
  }

  /**
   * An unmodifiable view of a range of an entry array: the Java form of a Go slice with its
   * capacity capped. Owners ({@link Unstable}, {@link MemoryStorage}) only ever write array slots
   * past the end of every view they have handed out, and replace the array when they truncate, so a
   * view never changes after it is created.
   */
  static final class EntryView extends AbstractList<Entry> implements RandomAccess {

    private final Entry[] array;
    private final int from;
    private final int to;

    EntryView(Entry[] array, int from, int to) {
      Objects.checkFromToIndex(from, to, array.length);
      this.array = array;
      this.from = from;
      this.to = to;
    }

    @Override
    public Entry get(int index) {
      Objects.checkIndex(index, to - from);
      return array[from + index];
    }

    @Override
    public int size() {
      return to - from;
    }

    @Override
    public List<Entry> subList(int fromIndex, int toIndex) {
      Objects.checkFromToIndex(fromIndex, toIndex, to - from);
      return new EntryView(array, from + fromIndex, from + toIndex);
    }
  }
}
