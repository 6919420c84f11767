package io.raftj.server;

import java.io.IOException;
import java.io.InputStream;

/**
 * The replicated service a {@link RaftGroup} drives: committed commands go in, in log order, and
 * each produces a result that completes its proposer's future.
 *
 * <p>Every method is called on the group's apply executor, one call at a time and never
 * concurrently with another method of the same instance, so an implementation needs no locking for
 * state it touches only here. A slow state machine delays only its own group's applies and reads;
 * ticks, heartbeats and replication go on (see docs/server.md, "Threads").
 *
 * <p>The state machine is rebuilt on restart from the newest snapshot ({@link #restore}) plus the
 * committed log after it ({@link #apply}), so it must be deterministic: the same commands in the
 * same order give the same state on every member.
 */
public interface StateMachine {

  /**
   * Applies a batch of committed commands in log order. Store each command's result with {@link
   * ApplyBatch#setResult}; a command left without one completes its future with a null result. The
   * batch and its buffers are valid only during the call.
   *
   * <p>An exception thrown here is a bug in the state machine: the group stops (its pending futures
   * fail with {@link GroupStoppedException}) rather than let members diverge.
   */
  void apply(ApplyBatch batch);

  /**
   * Captures a point-in-time view of the state, cheaply (for example a persistent map's root or a
   * copy-on-write reference), reflecting every command applied so far. The returned writer then
   * streams that view on another thread while the group goes on applying.
   */
  SnapshotWriter snapshot();

  /**
   * Replaces the whole state with the snapshot read from {@code in}, as written by a {@link
   * SnapshotWriter}: on restart, and when the leader sends a snapshot to a member that lags behind
   * its compacted log. The stream is positioned at the start and must not be closed.
   *
   * @throws IOException if the stream cannot be read or is not a valid snapshot; the group stops
   */
  void restore(InputStream in) throws IOException;

  /**
   * Answers a read-only query against the current state. Called in apply order: a {@link
   * ReadPolicy#LINEARIZABLE} query runs only once every command committed before the read was
   * issued has been applied. Must not change the state.
   *
   * @param query the caller's query object, as passed to {@link RaftGroup#read}
   * @return the answer that completes the read's future
   */
  Object query(Object query);
}
