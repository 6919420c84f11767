package io.raftj.raft.rafttest;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;

/**
 * The application state machine of a {@link Network} member: it receives every committed normal
 * entry that carries data, in log order, and can be saved to and restored from a snapshot. Called
 * only from the thread driving the network.
 */
public interface StateMachine {

  /** Applies one committed entry. */
  void apply(Entry entry);

  /** The state to put into a snapshot; by default empty. */
  default ByteString snapshot() {
    return ByteString.EMPTY;
  }

  /** Replaces the state with a snapshot's data (a fresh start, or a snapshot from the leader). */
  default void restore(ByteString data) {}
}
