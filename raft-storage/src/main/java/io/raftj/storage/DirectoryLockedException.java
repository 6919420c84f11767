package io.raftj.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another {@link DurableStorage} in this JVM) holds the data directory. */
public final class DirectoryLockedException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The directory's lock file is held by another process or storage object. */
  public DirectoryLockedException(Path lockFile) {
    super("storage: data directory is in use; lock held on " + lockFile);
  }
}
