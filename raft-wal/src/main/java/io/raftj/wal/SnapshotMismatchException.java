package io.raftj.wal;

/** The snapshot record at the opened index has another term: etcd's {@code ErrSnapshotMismatch}. */
public final class SnapshotMismatchException extends WalException {
  private static final long serialVersionUID = 1L;

  /** The WAL's snapshot record at {@code index} has term {@code gotTerm}, not {@code wantTerm}. */
  public SnapshotMismatchException(long index, long wantTerm, long gotTerm) {
    super(
        String.format(
            "wal: snapshot mismatch: index %d, want term %d, found term %d",
            index, wantTerm, gotTerm));
  }
}
