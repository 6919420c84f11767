package io.raftj.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where one group keeps its state machine's snapshots, each named by the term and index it was
 * taken at, as Raft's snapshot metadata names it. Raft's own snapshot carries only a small marker
 * in its data; the bytes live here and travel as a stream. Thread-safe.
 */
interface SnapshotStore {

  /** Starts writing the snapshot at ({@code term}, {@code index}). */
  Pending create(long term, long index) throws IOException;

  /** Opens the snapshot at ({@code term}, {@code index}) for reading. */
  InputStream open(long term, long index) throws IOException;

  /** Deletes every snapshot older than {@code index}. */
  void deleteBefore(long index) throws IOException;

  /** A snapshot being written: visible to {@link #open} only after {@link #commit}. */
  interface Pending {
    /** Where the bytes go; buffered. */
    OutputStream out();

    /** Makes the snapshot durable and visible; returns its size in bytes. */
    long commit() throws IOException;

    /** Discards what was written. */
    void abort();
  }
}
