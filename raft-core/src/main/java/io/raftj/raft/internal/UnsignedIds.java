package io.raftj.raft.internal;

/**
 * Searching sorted arrays of node IDs, which are unsigned 64-bit values (etcd's {@code uint64}).
 * Shared by the quorum and tracker packages, which both keep their IDs in sorted {@code long[]}.
 */
public final class UnsignedIds {

  private UnsignedIds() {}

  /**
   * Binary search over {@code ids[0..size)} sorted in unsigned order.
   *
   * @return the slot of {@code id}, or {@code -(insertion point) - 1} when it is absent, as {@link
   *     java.util.Arrays#binarySearch(long[], long)} does
   */
  public static int binarySearch(long[] ids, int size, long id) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(ids[mid], id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }
}
