package io.raftj.raft;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;

/**
 * The application's stable log as Raft reads it: persisted entries, the hard state and the last
 * snapshot. Mirrors {@code Storage} in etcd's {@code storage.go}.
 *
 * <p>Errors are unchecked. The expected outcomes are the {@link StorageException} singletons
 * ({@link CompactedException}, {@link UnavailableException}, {@link
 * SnapshotTemporarilyUnavailableException}); any other exception makes Raft inoperable, as etcd's
 * panics do, and the application is responsible for cleanup and recovery.
 *
 * <p>Implementations are called from the thread driving the {@code RawNode}; they must tolerate
 * concurrent writes by the application (for example {@link MemoryStorage} locks).
 */
public interface Storage {

  /**
   * Returns the saved hard state and configuration. A storage with nothing saved yet returns the
   * default {@code HardState} and an empty {@code ConfState}.
   */
  InitialState initialState();

  /**
   * Returns the consecutive entries in {@code [lo, hi)}, limited in total encoded size to {@code
   * maxSize} bytes but holding at least one entry if any is in range.
   *
   * <p>The returned list is unmodifiable and the entries in it are shared, never to be mutated
   * (protobuf messages are immutable): Raft may hand them to the application in a {@code Ready}.
   *
   * @param maxSize the size budget in encoded bytes, unsigned; {@link RaftConstants#NO_LIMIT} for
   *     none
   * @throws CompactedException if entry {@code lo} has been compacted
   * @throws UnavailableException if an entry in {@code [lo, hi)} is unavailable
   */
  List<Entry> entries(long lo, long hi, long maxSize);

  /**
   * Returns the term of entry {@code i}, which must be in {@code [firstIndex()-1, lastIndex()]}.
   * The term of the entry before {@code firstIndex()} is kept for matching even though the rest of
   * that entry may be gone.
   *
   * @throws CompactedException if {@code i} is before {@code firstIndex()-1}
   * @throws UnavailableException if {@code i} is after {@code lastIndex()}
   */
  long term(long i);

  /** Returns the index of the last entry in the log. */
  long lastIndex();

  /**
   * Returns the index of the first entry possibly available through {@link #entries}; older entries
   * are folded into the latest snapshot. When the storage holds only the entry the snapshot stands
   * for, that first entry is not available and {@code firstIndex()} is {@code lastIndex() + 1}.
   */
  long firstIndex();

  /**
   * Returns the most recent snapshot.
   *
   * @throws SnapshotTemporarilyUnavailableException if the snapshot is being prepared; Raft asks
   *     again later
   */
  Snapshot snapshot();
}
