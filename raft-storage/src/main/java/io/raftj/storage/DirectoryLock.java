package io.raftj.storage;

import io.raftj.wal.FileLockedException;
import io.raftj.wal.WalFs;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An exclusive lock on a data directory, held through a lock file inside it, so that two processes
 * never recover and write the same directory at once. The WAL's own segment locks (etcd locks
 * segment files, not the directory) cover {@code wal/} only; this covers {@code snap/} too. The
 * operating system drops the lock when the process dies, so a crash leaves nothing to clean. The
 * lock is {@link WalFs#openLocked} on the directory's file system; the production one adds a
 * JVM-wide registry, so a second open in the same process is refused too.
 */
final class DirectoryLock implements Closeable {

  static final String LOCK_FILE = "LOCK";

  private final WalFs.WalFile file;

  private DirectoryLock(WalFs.WalFile file) {
    this.file = file;
  }

  /**
   * Takes the lock without waiting.
   *
   * @throws DirectoryLockedException if another holder has it
   */
  static DirectoryLock acquire(WalFs fs, Path dir) throws IOException {
    Path path = dir.resolve(LOCK_FILE);
    try {
      return new DirectoryLock(fs.openLocked(path, "storage " + dir));
    } catch (FileLockedException e) {
      DirectoryLockedException locked = new DirectoryLockedException(path);
      locked.initCause(e);
      throw locked;
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
