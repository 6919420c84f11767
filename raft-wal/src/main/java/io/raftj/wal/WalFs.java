package io.raftj.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The file-system operations the WAL and durable storage perform: every read, write, fsync, rename,
 * delete and directory fsync goes through one of these. Together they play the part of etcd's
 * {@code client/pkg/fileutil}.
 *
 * <p>Production code uses {@link #nio()}, which {@link WalOptions#DEFAULT} holds. The interface is
 * public so that tests can substitute a layer that simulates crashes ({@link CrashFs}, which
 * forgets unsynced writes and tears the last one), and so that a host can put the log on a file
 * system of its own (an in-memory one, or one that injects faults or counts I/O). An implementation
 * must honour the durability contract the WAL relies on: data written to a file is durable once
 * {@link WalFile#force} returns, and a directory's entries (creates, renames, deletes) once {@link
 * #syncDir} on that directory returns; nothing else makes anything durable. Implementations must be
 * thread-safe: the WAL prepares its next segment on a background thread.
 */
public interface WalFs {

  /**
   * The production file system: {@link java.nio.channels.FileChannel} and {@code
   * java.nio.file.Files}.
   */
  static WalFs nio() {
    return NioWalFs.INSTANCE;
  }

  /**
   * The names in {@code dir}, sorted; {@link java.nio.file.NoSuchFileException} if it is missing.
   */
  List<String> list(Path dir) throws IOException;

  /** Whether a file or directory exists at {@code path}. */
  boolean exists(Path path);

  /**
   * Creates {@code dir} and any missing parents, each 0700 where permissions exist; nothing if it
   * exists. Directories that exist keep their permissions.
   */
  void createDirectories(Path dir) throws IOException;

  /**
   * Creates {@code dir} and its missing ancestors and fsyncs the parent of each one created, top
   * down: a directory entry is durable only once its parent is synced, so a new data directory
   * under new parents would otherwise vanish in a crash with every save acknowledged in it.
   */
  default void createDirectoriesDurably(Path dir) throws IOException {
    java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
    for (Path p = dir.toAbsolutePath().normalize();
        p.getParent() != null && !exists(p);
        p = p.getParent()) {
      missing.push(p);
    }
    createDirectories(dir);
    for (Path created : missing) {
      syncDir(created.getParent());
    }
  }

  /** Removes {@code path} and everything below it; nothing happens if it does not exist. */
  void deleteRecursively(Path path) throws IOException;

  /**
   * Opens a file for reading, or for reading and writing (creating it, 0600 where permissions
   * exist, when absent). A created file's name is durable only after {@link #syncDir}.
   *
   * @throws java.nio.file.NoSuchFileException if it is missing and {@code write} is false, or its
   *     directory is missing
   */
  WalFile open(Path path, boolean write) throws IOException;

  /** Renames atomically, replacing a file at {@code to}; durable after {@link #syncDir}. */
  void rename(Path from, Path to) throws IOException;

  /**
   * Deletes a file; durable after {@link #syncDir}.
   *
   * @throws java.nio.file.NoSuchFileException if there is none
   */
  void delete(Path path) throws IOException;

  /** Makes the directory's entries (creates, renames, deletes) durable: fsync on the directory. */
  void syncDir(Path dir) throws IOException;

  /**
   * Opens {@code path} for reading and writing (creating it when absent) and takes an exclusive
   * lock on it without waiting, held until the file is closed. Checking and locking are one step,
   * and a path this process already holds locked is refused before anything is opened: with POSIX
   * record locks, closing any descriptor of a file drops every lock the process holds on it.
   *
   * @throws FileLockedException naming the holder, if another file object has the lock
   */
  WalFile openLocked(Path path, String holder) throws IOException;

  /** One open file. Reads and writes are positional; callers keep their own offsets. */
  interface WalFile extends Closeable {
    /** The path the file was opened at. */
    Path path();

    /** Reads into {@code dst} from {@code pos}; returns the bytes read, or -1 at end of file. */
    int read(ByteBuffer dst, long pos) throws IOException;

    /** Writes all of {@code src} at {@code pos}, extending the file as needed. */
    void write(ByteBuffer src, long pos) throws IOException;

    /** The file's size in bytes. */
    long size() throws IOException;

    /** Cuts the file to {@code size} bytes; nothing happens if it is not longer. */
    void truncate(long size) throws IOException;

    /**
     * Extends the file to {@code size} bytes that read as zero (etcd's {@code Preallocate} with
     * extendFile); nothing happens if it is already that long.
     */
    void preallocate(long size) throws IOException;

    /** Makes written data (and the file's size) durable: fdatasync. */
    void force() throws IOException;
  }
}
