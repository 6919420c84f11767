package io.raftj.wal;

/**
 * A segment is locked by another WAL, in this JVM or another process: etcd's {@code
 * fileutil.ErrLocked} ("fileutil: file already locked"), plus who holds it.
 */
public final class FileLockedException extends WalException {
  private static final long serialVersionUID = 1L;

  /** {@code path} is locked by {@code holder}. */
  public FileLockedException(String path, String holder) {
    super("fileutil: file already locked: " + path + " (held by " + holder + ")");
  }
}
