package io.raftj.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Streams a point-in-time view captured by {@link StateMachine#snapshot()}. Called once, on the
 * server's snapshot executor, concurrently with later applies on the apply executor: it must read
 * only the captured view, never the live state.
 */
@FunctionalInterface
public interface SnapshotWriter {

  /**
   * Writes the view to {@code out}, which must not be closed; {@link StateMachine#restore} reads it
   * back.
   *
   * @throws IOException if writing fails; the snapshot is discarded and retried later
   */
  void writeTo(OutputStream out) throws IOException;
}
