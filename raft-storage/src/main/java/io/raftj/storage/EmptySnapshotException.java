package io.raftj.storage;

import java.io.IOException;

/**
 * A snapshot file is empty, or its envelope has no data or a zero CRC. Mirrors {@code
 * ErrEmptySnapshot} in etcd's {@code snap/snapshotter.go}.
 */
public final class EmptySnapshotException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The file, its data or its CRC is empty. */
  public EmptySnapshotException() {
    super("snap: empty snapshot");
  }
}
