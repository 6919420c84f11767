package io.raftj.wal;

/**
 * {@link Wal#readAll} found no snapshot record for the position the WAL was opened at: etcd's
 * {@code ErrSnapshotNotFound} ("wal: snapshot not found"). As in etcd, what was read is still
 * returned (here by {@link #contents()}) and a write-mode WAL is appendable afterwards.
 */
public final class SnapshotNotFoundException extends WalException {
  private static final long serialVersionUID = 1L;
  private final transient WalContents contents;

  /** No snapshot record matches; {@code contents} is what was read (null if nothing). */
  public SnapshotNotFoundException(WalContents contents) {
    super("wal: snapshot not found");
    this.contents = contents;
  }

  /**
   * The metadata, hard state and entries read despite the missing snapshot record; null when thrown
   * by {@link Wal#verify}, which collects no entries.
   */
  public WalContents contents() {
    return contents;
  }
}
