package io.raftj.raft.tracker.internal;

import io.raftj.raft.internal.UnsignedIds;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The progress of every tracked peer, keyed by node ID and kept in ascending unsigned ID order.
 * Mirrors {@code ProgressMap} in etcd's {@code tracker/progress.go}.
 *
 * <p>Not thread-safe: owned by the thread driving the Raft state machine.
 */
public final class ProgressMap {

  /*
   * A Raft group has a handful of members and its membership changes rarely, while the leader
   * looks a peer up on every message and walks all peers on every broadcast. So the map is two
   * parallel arrays sorted by unsigned ID: lookups are a binary search over primitives (no boxed
   * keys, no hashing), and walking them in etcd's sorted Visit order needs no sort and no
   * allocation. Insertions and removals shift the arrays, which is cheap at these sizes.
   */

  private static final int INITIAL_CAPACITY = 4;

  private long[] ids;
  private Progress[] prs;
  private int size;

  /** Creates an empty map. */
  public ProgressMap() {
    ids = new long[INITIAL_CAPACITY];
    prs = new Progress[INITIAL_CAPACITY];
  }

  private ProgressMap(long[] ids, Progress[] prs, int size) {
    this.ids = ids;
    this.prs = prs;
    this.size = size;
  }

  /** Returns the number of tracked peers. */
  public int size() {
    return size;
  }

  /** Whether no peer is tracked. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Returns the progress of peer {@code id}, or null if it is not tracked. */
  public @Nullable Progress get(long id) {
    int i = indexOf(id);
    return i >= 0 ? prs[i] : null;
  }

  /** Returns true if peer {@code id} is tracked. */
  public boolean containsKey(long id) {
    return indexOf(id) >= 0;
  }

  /** Tracks {@code pr} for peer {@code id}, replacing any previous progress of that peer. */
  public void put(long id, Progress pr) {
    if (pr == null) {
      throw new NullPointerException("progress of " + Long.toUnsignedString(id));
    }
    int i = indexOf(id);
    if (i >= 0) {
      prs[i] = pr;
      return;
    }
    int at = -(i + 1);
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
      prs = Arrays.copyOf(prs, size * 2);
    }
    System.arraycopy(ids, at, ids, at + 1, size - at);
    System.arraycopy(prs, at, prs, at + 1, size - at);
    ids[at] = id;
    prs[at] = pr;
    size++;
  }

  /** Stops tracking peer {@code id}; returns its progress, or null if it was not tracked. */
  public @Nullable Progress remove(long id) {
    int i = indexOf(id);
    if (i < 0) {
      return null;
    }
    Progress removed = prs[i];
    System.arraycopy(ids, i + 1, ids, i, size - i - 1);
    System.arraycopy(prs, i + 1, prs, i, size - i - 1);
    size--;
    prs[size] = null;
    return removed;
  }

  /** Returns the {@code i}-th smallest tracked ID (unsigned order), for {@code 0 <= i < size()}. */
  public long idAt(int i) {
    checkIndex(i);
    return ids[i];
  }

  /** Returns the progress of the {@code i}-th smallest tracked ID. */
  public Progress progressAt(int i) {
    checkIndex(i);
    return prs[i];
  }

  /**
   * Calls {@code visitor} for every peer in ascending ID order. The visitor may replace the
   * progress of the peer it is given (with {@link #put}), but must not add or remove peers.
   */
  public void forEach(ProgressVisitor visitor) {
    for (int i = 0; i < size; i++) {
      visitor.visit(ids[i], prs[i]);
    }
  }

  /** Returns the tracked IDs in ascending unsigned order, in a new array. */
  public long[] ids() {
    return Arrays.copyOf(ids, size);
  }

  /**
   * Returns a map with the same IDs whose entries are {@link Progress#copy()} copies of these:
   * changing a copy's fields leaves this map alone, but the inflights are shared, as in etcd's
   * confchange, which copies the Progress structs by value.
   */
  public ProgressMap copy() {
    Progress[] copies = new Progress[Math.max(size, INITIAL_CAPACITY)];
    for (int i = 0; i < size; i++) {
      copies[i] = prs[i].copy();
    }
    return new ProgressMap(Arrays.copyOf(ids, copies.length), copies, size);
  }

  /**
   * Returns etcd's form: one {@code "<id>: <progress>\n"} line per peer, IDs ascending in decimal.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(size * 48);
    for (int i = 0; i < size; i++) {
      sb.append(Long.toUnsignedString(ids[i])).append(": ").append(prs[i]).append('\n');
    }
    return sb.toString();
  }

  /** Binary search; returns the slot of {@code id}, or {@code -(insertion point) - 1}. */
  private int indexOf(long id) {
    return UnsignedIds.binarySearch(ids, size, id);
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("index " + i + ", size " + size);
    }
  }
}
