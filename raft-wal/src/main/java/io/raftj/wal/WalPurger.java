package io.raftj.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the oldest segments beyond a retention count, stopping at the first one a WAL still holds
 * locked: {@link Wal#releaseLockTo} is what makes a segment purgeable. One pass of etcd's {@code
 * fileutil.PurgeFile} over {@code *.wal} (etcd runs it every 30 s with --max-wals 5).
 */
public final class WalPurger {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private WalPurger() {}

  /**
   * Deletes the oldest unlocked segments in {@code dir} so that at most {@code maxRetain} remain,
   * and fsyncs the directory. Returns the names deleted, oldest first.
   */
  public static List<String> purge(Path dir, int maxRetain) throws IOException {
    return purge(dir, maxRetain, WalOptions.DEFAULT);
  }

  /** {@link #purge(Path, int)} on {@code options}' file system. */
  public static List<String> purge(Path dir, int maxRetain, WalOptions options) throws IOException {
    return purge(options.fs(), dir, maxRetain);
  }

  static List<String> purge(WalFs fs, Path dir, int maxRetain) throws IOException {
    List<String> names = new ArrayList<>();
    for (String n : fs.list(dir)) {
      if (n.endsWith(".wal")) {
        names.add(n);
      }
    }
    List<String> purged = new ArrayList<>();
    for (int i = 0; i < names.size() - maxRetain; i++) {
      Path p = dir.resolve(names.get(i));
      WalFs.WalFile f;
      try {
        f = fs.openLocked(p, "WAL purger of " + dir);
      } catch (FileLockedException e) {
        LOG.debug("stopped purging at a locked file path={}", p);
        break;
      }
      try (f) {
        fs.delete(p);
      }
      LOG.info("purged path={}", p);
      purged.add(names.get(i));
    }
    if (!purged.isEmpty()) {
      fs.syncDir(dir);
    }
    return purged;
  }
}
