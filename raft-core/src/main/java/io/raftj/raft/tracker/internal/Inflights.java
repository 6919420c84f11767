package io.raftj.raft.tracker.internal;

/**
 * Limits the number and total payload size of the MsgApp messages sent to one follower but not yet
 * acknowledged. Mirrors {@code Inflights} in etcd's {@code tracker/inflights.go}.
 *
 * <p>Each in-flight message is represented by the index of its last entry and its payload bytes.
 * The caller checks {@link #full()} before {@link #add}, calls {@code add} when it sends an append
 * (with monotonically increasing indexes), and releases quota with {@link #freeLE} when an
 * acknowledgement arrives.
 *
 * <p>Not thread-safe: owned by the thread driving the Raft state machine. {@code add} does not
 * allocate except when the ring buffer grows.
 */
public final class Inflights {

  /*
   * The ring buffer is two parallel primitive arrays rather than an array of small objects, so an
   * add writes two longs and nothing is boxed. As in etcd, it starts empty and doubles on demand up
   * to `size`, because a process may host thousands of Raft groups whose followers mostly never
   * fill their window. Slots wrap at `size`, not at the current capacity: while the buffer is
   * smaller than `size` the occupied slots never wrap, so growing is a plain prefix copy.
   */

  private static final long[] EMPTY = new long[0];

  private final int size;
  private final long maxBytes;

  private int start;
  private int count;
  private long bytes;

  private long[] indexes;
  private long[] sizes;

  /**
   * Creates an empty window of at most {@code size} messages and, if {@code maxBytes} is not 0, at
   * most {@code maxBytes} payload bytes. The byte limit is soft: a single message may take the
   * total from below the limit to above it. Go: {@code NewInflights}.
   */
  public Inflights(int size, long maxBytes) {
    this(size, maxBytes, 0, 0);
  }

  /**
   * Creates a window whose buffer already has {@code capacity} slots and starts at {@code start}.
   */
  Inflights(int size, long maxBytes, int start, int capacity) {
    this.size = size;
    this.maxBytes = maxBytes;
    this.start = start;
    this.indexes = capacity == 0 ? EMPTY : new long[capacity];
    this.sizes = capacity == 0 ? EMPTY : new long[capacity];
  }

  /** Returns a copy that shares no memory with this one. Go: {@code Clone}. */
  public Inflights copy() {
    Inflights c = new Inflights(size, maxBytes, start, 0);
    c.count = count;
    c.bytes = bytes;
    c.indexes = indexes.clone();
    c.sizes = sizes.clone();
    return c;
  }

  /**
   * Records a message whose last entry has the given index and whose entries carry {@code bytes}
   * payload bytes.
   *
   * @throws IllegalStateException if the window is {@link #full()}
   */
  public void add(long index, long bytes) {
    if (full()) {
      throw new IllegalStateException("cannot add into a Full inflights");
    }
    int next = start + count;
    if (next >= size) {
      next -= size;
    }
    if (next >= indexes.length) {
      grow();
    }
    indexes[next] = index;
    sizes[next] = bytes;
    count++;
    this.bytes += bytes;
  }

  private void grow() {
    int newCapacity = indexes.length * 2;
    if (newCapacity == 0) {
      newCapacity = 1;
    } else if (newCapacity > size || newCapacity < 0) {
      newCapacity = size;
    }
    long[] newIndexes = new long[newCapacity];
    long[] newSizes = new long[newCapacity];
    System.arraycopy(indexes, 0, newIndexes, 0, indexes.length);
    System.arraycopy(sizes, 0, newSizes, 0, sizes.length);
    indexes = newIndexes;
    sizes = newSizes;
  }

  /** Frees the messages whose last index is at most {@code to}. Go: {@code FreeLE}. */
  public void freeLE(long to) {
    if (count == 0 || to < indexes[start]) {
      // Everything in flight is newer than the acknowledgement.
      return;
    }
    int idx = start;
    int i;
    long freedBytes = 0;
    for (i = 0; i < count; i++) {
      if (to < indexes[idx]) {
        break;
      }
      freedBytes += sizes[idx];
      if (++idx >= size) {
        idx -= size;
      }
    }
    count -= i;
    bytes -= freedBytes;
    start = idx;
    if (count == 0) {
      // Restart at slot 0 so that an idle follower never makes the buffer grow.
      start = 0;
    }
  }

  /** Returns true if no more messages may be sent right now. */
  public boolean full() {
    return count == size || (maxBytes != 0 && bytes >= maxBytes);
  }

  /** Returns the number of messages in flight. */
  public int count() {
    return count;
  }

  /** Frees all messages in flight. */
  void reset() {
    start = 0;
    count = 0;
    bytes = 0;
  }

  int start() {
    return start;
  }

  long bytes() {
    return bytes;
  }

  /** The index slots of the ring buffer, in buffer order. */
  long[] indexBuffer() {
    return indexes.clone();
  }

  /** The byte-size slots of the ring buffer, in buffer order. */
  long[] sizeBuffer() {
    return sizes.clone();
  }
}
