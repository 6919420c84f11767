package io.raftj.simulation;

import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Message;
import java.util.List;

/**
 * A cluster member the {@link World} drives: one Raft peer with its storage and state machine. The
 * world delivers messages, ticks the clock, asks for pending work to be done, submits client
 * operations and crashes and restarts it; the member reports what it persisted, applied and
 * answered to a {@link MemberListener}. Confined to the world's thread; nothing in it may use
 * another clock, thread or random source than the ones the world gave it.
 *
 * <p>Client operations are identified by a positive {@code opId}; a write's entry data is {@link
 * Ops#writeData(long)}, so every member recognises it in the log.
 */
public interface Member {

  /** The Raft ID. */
  long id();

  /** Whether it is running (not crashed). Every other call except {@link #restart} needs it up. */
  boolean isUp();

  /** One tick of its logical clock. */
  void tick();

  /** Hands it a message from the network. */
  void deliver(Message m);

  /**
   * Does all pending work (persist, apply, answer reads, snapshot) and returns the messages to
   * send. If a crash was armed with {@link #crashDuringWrites}, the member may die inside this
   * call; it then returns the messages it was allowed to send before dying and is down.
   */
  List<Message> process();

  /**
   * Proposes a client write.
   *
   * @return false if the proposal was refused at once (no leader known, a transfer under way)
   */
  boolean propose(long opId);

  /** Asks for a linearizable read (ReadIndex, or a lease read if so configured). */
  void read(long opId);

  /** Proposes a membership change; false if it was refused at once. */
  boolean proposeConfChange(ConfChangeI cc);

  /** Asks the leader to hand leadership to {@code transferee}. */
  void transferLeader(long transferee);

  /** Tells it how sending a snapshot to {@code to} ended. */
  void reportSnapshot(long to, boolean delivered);

  /** The role it plays now. */
  StateType role();

  /** Its current term. */
  long term();

  /** The configuration as of its applied index. */
  ConfState confState();

  /** The index its state machine has applied. */
  long applied();

  /** A power failure now: unsynced writes are lost or torn, as {@code crashSeed} decides. */
  void crash(long crashSeed);

  /**
   * Arms a crash after {@code writes} more mutating file-system calls, so it lands inside a save.
   */
  void crashDuringWrites(int writes, long crashSeed);

  /** Starts it again from what its disk kept. */
  void restart();

  /** Releases what it holds (threads, files) at the end of a run; nothing is called after. */
  void close();
}
