package io.raftj.raft.quorum;

import io.raftj.raft.internal.UnsignedIds;
import java.util.Arrays;
import java.util.Map;

/**
 * A set of voter IDs that decides by simple majority. Mirrors {@code MajorityConfig} in etcd's
 * {@code quorum/majority.go}.
 *
 * <p>IDs are unsigned 64-bit values, kept sorted in unsigned order; {@link #id(int)} walks them
 * without allocating. Not thread-safe: a configuration belongs to the thread driving Raft, and
 * {@link #committedIndex} reuses a scratch array (where etcd sorts in a stack array).
 */
public final class MajorityConfig {

  private static final long[] NONE = new long[0];

  /** Sorted unsigned; only the first {@code size} slots are used. */
  private long[] ids = NONE;

  private int size;

  /** Scratch space for {@link #committedIndex}; never shared between copies. */
  private long[] scratch = NONE;

  /** Creates an empty configuration. */
  public MajorityConfig() {}

  /** Creates a configuration of the given IDs (duplicates collapse). */
  public static MajorityConfig of(long... ids) {
    MajorityConfig c = new MajorityConfig();
    for (long id : ids) {
      c.add(id);
    }
    return c;
  }

  /** An independent copy of this configuration. */
  public MajorityConfig copy() {
    MajorityConfig c = new MajorityConfig();
    c.ids = Arrays.copyOf(ids, size);
    c.size = size;
    return c;
  }

  /** The number of voters. */
  public int size() {
    return size;
  }

  /** Tells whether there are no voters. */
  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * The {@code i}th voter in ascending (unsigned) order.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
   */
  public long id(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return ids[i];
  }

  /** Tells whether {@code id} is a voter. */
  public boolean contains(long id) {
    return find(id) >= 0;
  }

  /** Adds {@code id}; returns false if it was already a voter. */
  public boolean add(long id) {
    int at = find(id);
    if (at >= 0) {
      return false;
    }
    at = -at - 1;
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, Math.max(4, size * 2));
    }
    System.arraycopy(ids, at, ids, at + 1, size - at);
    ids[at] = id;
    size++;
    return true;
  }

  /** Adds every voter of {@code other}. */
  public void addAll(MajorityConfig other) {
    for (int i = 0; i < other.size; i++) {
      add(other.ids[i]);
    }
  }

  /** Removes {@code id}; returns false if it was not a voter. */
  public boolean remove(long id) {
    int at = find(id);
    if (at < 0) {
      return false;
    }
    System.arraycopy(ids, at + 1, ids, at, size - at - 1);
    size--;
    return true;
  }

  /** Removes every voter. */
  public void clear() {
    size = 0;
  }

  /** The voters in ascending (unsigned) order, as a new array (Go: {@code Slice}). */
  public long[] slice() {
    return Arrays.copyOf(ids, size);
  }

  /**
   * The largest index acknowledged by a majority of the voters (Raft §5.3): the value at the quorum
   * position when the acknowledged indexes are sorted, voters without one counting as 0. An empty
   * configuration returns {@link Index#INFINITY}, so that a joint configuration with an empty half
   * behaves like its other half.
   */
  public long committedIndex(AckedIndexer l) {
    int n = size;
    if (n == 0) {
      return Index.INFINITY;
    }
    if (scratch.length < n) {
      scratch = new long[ids.length];
    }
    long[] srt = scratch;
    // Fill from the right; the unfilled (unknown) slots on the left count as 0.
    int i = n - 1;
    for (int k = 0; k < n; k++) {
      long idx = l.ackedIndex(ids[k]);
      if (idx != AckedIndexer.NOT_FOUND) {
        srt[i--] = idx;
      }
    }
    for (; i >= 0; i--) {
      srt[i] = 0;
    }
    Arrays.sort(srt, 0, n);
    // The highest index with n/2+1 acknowledgements at or above it.
    int pos = n - (n / 2 + 1);
    return srt[pos];
  }

  /**
   * The outcome of a vote: won once a majority voted yes, lost once a majority can no longer vote
   * yes, pending otherwise. An empty configuration wins by convention, which makes a joint
   * configuration with an empty half behave like its other half.
   *
   * @param votes the votes received, by voter ID (true = granted); other entries are ignored
   */
  public VoteResult voteResult(Map<Long, Boolean> votes) {
    if (size == 0) {
      return VoteResult.VOTE_WON;
    }
    int granted = 0;
    int missing = 0;
    for (int k = 0; k < size; k++) {
      Boolean v = votes.get(ids[k]);
      if (v == null) {
        missing++;
      } else if (v) {
        granted++;
      }
    }
    int q = size / 2 + 1;
    if (granted >= q) {
      return VoteResult.VOTE_WON;
    }
    if (granted + missing >= q) {
      return VoteResult.VOTE_PENDING;
    }
    return VoteResult.VOTE_LOST;
  }

  /**
   * A multi-line picture of the acknowledged indexes, as etcd's {@code Describe} prints it: one row
   * per voter in ID order, with a bar whose length is the voter's rank by index (equal indexes
   * share a bar), {@code ?} for a voter without an index, the index and the hex ID.
   */
  public String describe(AckedIndexer l) {
    int n = size;
    if (n == 0) {
      return "<empty majority quorum>";
    }
    long[] idx = new long[n];
    boolean[] ok = new boolean[n];
    Integer[] byIndex = new Integer[n];
    for (int k = 0; k < n; k++) {
      long v = l.ackedIndex(ids[k]);
      ok[k] = v != AckedIndexer.NOT_FOUND;
      idx[k] = ok[k] ? v : 0;
      byIndex[k] = k;
    }
    // ids are sorted, so sorting positions by index (stable) orders ties by ID.
    Arrays.sort(byIndex, (a, b) -> Long.compare(idx[a], idx[b]));
    int[] bar = new int[n];
    for (int r = 1; r < n; r++) {
      int prev = byIndex[r - 1];
      int cur = byIndex[r];
      bar[cur] = idx[prev] < idx[cur] ? r : bar[prev];
    }
    StringBuilder buf = new StringBuilder();
    buf.append(" ".repeat(n)).append("    idx\n");
    for (int k = 0; k < n; k++) {
      if (!ok[k]) {
        buf.append('?').append(" ".repeat(n));
      } else {
        buf.append("x".repeat(bar[k])).append('>').append(" ".repeat(n - bar[k]));
      }
      String index = Long.toUnsignedString(idx[k]);
      buf.append(' ').append(" ".repeat(Math.max(0, 5 - index.length()))).append(index);
      buf.append("    (id=").append(Long.toHexString(ids[k])).append(")\n");
    }
    return buf.toString();
  }

  /** The voters in hex, ascending: {@code (1 2 3)}. */
  @Override
  public String toString() {
    StringBuilder buf = new StringBuilder().append('(');
    for (int k = 0; k < size; k++) {
      if (k > 0) {
        buf.append(' ');
      }
      buf.append(Long.toHexString(ids[k]));
    }
    return buf.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MajorityConfig
        && Arrays.equals(ids, 0, size, ((MajorityConfig) o).ids, 0, ((MajorityConfig) o).size);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int k = 0; k < size; k++) {
      h = 31 * h + Long.hashCode(ids[k]);
    }
    return h;
  }

  /** Binary search in unsigned order: the slot of {@code id}, or {@code -(insertion point) - 1}. */
  private int find(long id) {
    return UnsignedIds.binarySearch(ids, size, id);
  }
}
