package io.raftj.simulation;

import io.raftj.raft.MemoryStorage;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;

/**
 * What a {@link Member} reports to the checkers, in the order it happens. Called on the world's
 * thread, inside the member's calls.
 */
public interface MemberListener {

  /**
   * A save returned: {@code hs} (possibly empty), {@code entries} and a snapshot at {@code
   * snapshot} (null if none) are on disk, durable if {@code mustSync} (Raft's own verdict, {@code
   * Ready.mustSync}) or a snapshot was saved.
   */
  void persisted(
      long id, HardState hs, List<Entry> entries, SnapshotMetadata snapshot, boolean mustSync);

  /** A local snapshot at {@code index} holding {@code writes} was written; it is durable. */
  void snapshotTaken(long id, long index, List<Long> writes);

  /** Messages about to be sent (after the save that precedes them). */
  void sent(long id, List<Message> messages);

  /** The state machine applied {@code e} while the member was at {@code term}. */
  void applied(long id, long term, Entry e);

  /** The state machine was replaced by a snapshot holding {@code writes} (op IDs in log order). */
  void restored(long id, SnapshotMetadata md, List<Long> writes);

  /** A write this member proposed was applied here at {@code index}: the client's answer. */
  void writeAcked(long id, long opId, long index);

  /** A read was answered with the state at {@code appliedIndex}. */
  void readServed(long id, long opId, long appliedIndex);

  /**
   * The member crashed. {@code inflightFirstIndex} is the first entry index of the save that the
   * crash interrupted, or 0 if it was not inside a save of entries; {@code midWrite} says whether
   * it was inside any write at all.
   */
  void crashed(long id, boolean midWrite, long inflightFirstIndex);

  /** The member reopened its storage and holds {@code hs} and {@code storage}. */
  void restarted(long id, HardState hs, MemoryStorage storage);

  /**
   * For members whose state machine sees only client writes (a {@code RaftServer}'s skips empty
   * entries and membership changes): a snapshot of the state machine was taken, or it was restored
   * from one if {@code restored}. It holds {@code writes} (the entries, in log order) and every
   * write up to index {@code upTo}.
   */
  default void writesInSnapshot(long id, boolean restored, long upTo, List<Entry> writes) {}
}
