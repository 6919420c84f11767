package io.raftj.server;

import io.raftj.wal.WalFs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** Creates directories so that a crash cannot take them back. */
final class DurableDirs {

  private DurableDirs() {}

  /**
   * Creates {@code dir} and its missing ancestors, and fsyncs the parent of each one created,
   * top down: a directory entry is durable only once its parent is synced, so without this a
   * power failure could drop a freshly created tree with every fsynced file in it.
   */
  static void create(WalFs fs, Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p.getParent() != null && !fs.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    if (missing.isEmpty()) {
      return;
    }
    fs.createDirectories(dir);
    for (Path p : missing) {
      fs.syncDir(p.getParent());
    }
  }
}
