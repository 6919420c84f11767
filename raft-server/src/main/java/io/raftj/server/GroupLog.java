package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.io.IOException;

/**
 * A group's Raft log and hard state: in memory for tests and benchmarks ({@link MemoryLog}), or
 * durable through {@code DurableStorage} on the server's storage executor ({@link DurableLog}).
 * Called from the group's loop thread.
 */
interface GroupLog {

  /**
   * The hard state a {@code MsgStorageAppend} carries in its term, vote and commit: all three set,
   * or none (the default instance, meaning unchanged).
   */
  static HardState hardStateOf(Message m) {
    if (m.getTerm() == 0 && m.getVote() == 0 && m.getCommit() == 0) {
      return HardState.getDefaultInstance();
    }
    return HardState.newBuilder()
        .setTerm(m.getTerm())
        .setVote(m.getVote())
        .setCommit(m.getCommit())
        .build();
  }

  /** The storage Raft reads. */
  MemoryStorage memoryStorage();

  /** Whether the log held state when the group started. */
  boolean restart();

  /** The newest snapshot at start, or the default instance. */
  Snapshot snapshotAtStart();

  /**
   * Persists a {@code MsgStorageAppend}. Returns true if it is durable on return (the caller
   * handles the responses), false if a {@link GroupEvent.Stored} event will bring them.
   */
  boolean append(Message m) throws IOException;

  /**
   * Records a state machine snapshot at {@code index} in Raft's storage and compacts the log to
   * {@code catchUpEntries} behind it, now or soon, off the loop thread where it does I/O.
   */
  void snapshot(long index, ConfState confState, ByteString marker, long catchUpEntries)
      throws IOException;

  /**
   * Runs {@code task} once every write queued so far is durable, and not at all if one of them
   * failed: inline for a log in memory, on the storage executor otherwise.
   */
  void afterWrites(Runnable task);

  /** Releases files; nothing written before is lost. */
  void close() throws IOException;
}
