package io.raftj.raft.quorum;

/**
 * Formatting of log indexes as etcd's quorum package prints them. Mirrors the {@code Index} type in
 * etcd's {@code quorum/quorum.go}, whose largest value ({@code math.MaxUint64}, here {@link
 * Long#MAX_VALUE}: the committed index of an empty configuration) prints as {@code ∞}.
 */
public final class Index {

  /** The committed index of an empty configuration: "everything" (Go: {@code math.MaxUint64}). */
  public static final long INFINITY = Long.MAX_VALUE;

  private Index() {}

  /** Decimal, or {@code ∞} for {@link #INFINITY}. */
  public static String format(long index) {
    return index == INFINITY ? "∞" : Long.toUnsignedString(index);
  }
}
