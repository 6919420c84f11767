package io.raftj.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The few file operations the snapshotter and durable storage need, with the fsyncs that make
 * them durable. Mirrors the parts of etcd's {@code client/pkg/fileutil} and {@code pkg/ioutil}
 * that {@code snap} uses.
 */
final class FileUtil {

  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private FileUtil() {}

  /**
   * Writes {@code data} to {@code file} (created or truncated) and fsyncs it before closing.
   * Mirrors {@code ioutil.WriteAndSyncFile}.
   *
   * @return the nanoseconds spent in the fsync
   */
  static long writeAndSyncFile(Path file, ByteBuffer data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      while (data.hasRemaining()) {
        ch.write(data);
      }
      long start = System.nanoTime();
      ch.force(true);
      return System.nanoTime() - start;
    }
  }

  /**
   * Fsyncs a directory, so that a create, rename or remove inside it survives a crash. Windows
   * cannot open a directory for this and orders its metadata itself, so there it does nothing.
   */
  static void fsyncDir(Path dir) throws IOException {
    if (WINDOWS) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** The names of the regular entries of {@code dir}, sorted as strings (etcd's ReadDir). */
  static List<String> readDir(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }
}
