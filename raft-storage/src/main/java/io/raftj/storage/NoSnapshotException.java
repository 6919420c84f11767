package io.raftj.storage;

import java.io.IOException;

/**
 * No snapshot file in the directory could be read (or none matched the WAL's snapshot records).
 * Mirrors {@code ErrNoSnapshot} in etcd's {@code snap/snapshotter.go}; a fresh node sees it on its
 * first start.
 */
public final class NoSnapshotException extends IOException {

  private static final long serialVersionUID = 1L;

  /** No snapshot file is there, or none that reads correctly. */
  public NoSnapshotException() {
    super("snap: no available snapshot");
  }
}
