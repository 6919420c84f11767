package io.raftj.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file-system operations the WAL performs, so tests can substitute a layer that loses
 * unsynced writes. The production implementation is {@link NioWalFs}; together they play the
 * part of etcd's {@code client/pkg/fileutil}.
 */
interface WalFs {
  /** The names in {@code dir}, sorted; {@link java.nio.file.NoSuchFileException} if it is missing. */
  List<String> list(Path dir) throws IOException;

  boolean exists(Path path);

  void createDirectories(Path dir) throws IOException;

  /** Removes {@code path} and everything below it; nothing happens if it does not exist. */
  void deleteRecursively(Path path) throws IOException;

  /** Opens a file for reading, or for reading and writing (creating it when absent). */
  WalFile open(Path path, boolean write) throws IOException;

  void rename(Path from, Path to) throws IOException;

  void delete(Path path) throws IOException;

  /** Makes the directory's entries (creates, renames, deletes) durable. */
  void syncDir(Path dir) throws IOException;

  /**
   * Whether a file object of this process holds the lock on {@code path}. A caller that only
   * wants to know must ask here rather than open the file and try: with POSIX record locks,
   * closing any channel on a file drops every lock the process holds on it.
   */
  default boolean lockedHere(Path path) {
    return false;
  }

  /** One open file. Reads and writes are positional; the WAL keeps its own offsets. */
  interface WalFile extends java.io.Closeable {
    Path path();

    /** Reads into {@code dst} from {@code pos}; returns -1 at end of file. */
    int read(java.nio.ByteBuffer dst, long pos) throws IOException;

    /** Writes all of {@code src} at {@code pos}. */
    void write(java.nio.ByteBuffer src, long pos) throws IOException;

    long size() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    /**
     * Extends the file to {@code size} bytes that read as zero (etcd's {@code Preallocate} with
     * extendFile); nothing happens if it is already that long.
     */
    void preallocate(long size) throws IOException;

    /** Makes written data durable: fdatasync. */
    void force() throws IOException;

    /** Takes an exclusive lock without waiting; {@link FileLockedException} names the holder. */
    void tryLock(String holder) throws IOException;
  }
}
