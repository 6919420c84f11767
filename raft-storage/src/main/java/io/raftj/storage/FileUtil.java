package io.raftj.storage;

import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The few file operations the snapshotter and durable storage need, with the fsyncs that make them
 * durable, over the same {@link WalFs} as the WAL. Mirrors the parts of etcd's {@code
 * client/pkg/fileutil} and {@code pkg/ioutil} that {@code snap} uses.
 */
final class FileUtil {

  private FileUtil() {}

  /**
   * Writes {@code data} to {@code file} (created or truncated) and fsyncs it before closing.
   * Mirrors {@code ioutil.WriteAndSyncFile}.
   *
   * @return the nanoseconds spent in the fsync
   */
  static long writeAndSyncFile(WalFs fs, Path file, ByteBuffer data) throws IOException {
    try (WalFs.WalFile f = fs.open(file, true)) {
      f.truncate(0);
      f.write(data, 0);
      long start = System.nanoTime();
      f.force();
      return System.nanoTime() - start;
    }
  }

  /** The whole content of {@code file}. */
  static byte[] readAll(WalFs fs, Path file) throws IOException {
    try (WalFs.WalFile f = fs.open(file, false)) {
      long size = f.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("file too large: " + file + " (" + size + " bytes)");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining()) {
        if (f.read(buf, buf.position()) < 0) {
          break; // shrank since size(): return what is there
        }
      }
      byte[] b = buf.array();
      return buf.position() == b.length ? b : Arrays.copyOf(b, buf.position());
    }
  }

  /**
   * Fsyncs a directory, so that a create, rename or remove inside it survives a crash. (The
   * production file system does nothing on Windows, which cannot open a directory for this.)
   */
  static void fsyncDir(WalFs fs, Path dir) throws IOException {
    fs.syncDir(dir);
  }

  /** Deletes {@code file} if it exists; returns whether it did. */
  static boolean deleteIfExists(WalFs fs, Path file) throws IOException {
    try {
      fs.delete(file);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** The names of the entries of {@code dir}, sorted as strings (etcd's ReadDir). */
  static List<String> readDir(WalFs fs, Path dir) throws IOException {
    return fs.list(dir);
  }
}
