package io.raftj.raft;

/**
 * The special values of etcd's {@code raft} package: the "no node" ID, the "no limit" size and the
 * two local targets of asynchronous storage writes. Mirrors the constants {@code None}, {@code
 * noLimit}, {@code LocalAppendThread} and {@code LocalApplyThread} in etcd's {@code raft.go}.
 */
public final class RaftConstants {

  /** The placeholder node ID used when there is no leader or no vote. */
  public static final long NONE = 0L;

  /** "No limit" for size budgets: Go's {@code math.MaxUint64}. */
  public static final long NO_LIMIT = Long.MAX_VALUE;

  /**
   * The target of {@code MsgStorageAppend}: the local append thread (Go: {@code math.MaxUint64}).
   */
  public static final long LOCAL_APPEND_THREAD = -1L;

  /**
   * The target of {@code MsgStorageApply}: the local apply thread (Go: {@code math.MaxUint64 - 1}).
   */
  public static final long LOCAL_APPLY_THREAD = -2L;

  private RaftConstants() {}
}
