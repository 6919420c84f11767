package io.raftj.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a data directory, held through a lock file inside it, so that two
 * processes never recover and write the same directory at once. The WAL's own segment locks (etcd
 * locks segment files, not the directory) cover {@code wal/} only; this covers {@code snap/} too.
 * The operating system drops the lock when the process dies, so a crash leaves nothing to clean.
 */
final class DirectoryLock implements Closeable {

  static final String LOCK_FILE = "LOCK";

  /*
   * POSIX record locks belong to the process, and closing any descriptor of the file drops them,
   * so a second open of the lock file in this JVM must be refused before it opens a channel.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock without waiting.
   *
   * @throws DirectoryLockedException if another holder has it
   */
  static DirectoryLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(LOCK_FILE);
    Path key = dir.toRealPath();
    if (!HELD.add(key)) {
      throw new DirectoryLockedException(file);
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new DirectoryLockedException(file);
      }
      return new DirectoryLock(key, ch, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(key);
      if (ch != null) {
        ch.close();
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      HELD.remove(key);
    }
  }
}
