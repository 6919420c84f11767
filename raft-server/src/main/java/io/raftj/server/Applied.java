package io.raftj.server;

/**
 * A proposal's outcome once applied on the member that proposed it. Immutable once its future
 * completes; it is the proposal's own record inside the runtime, so that a command costs one object
 * on its way through the group, not two.
 */
public sealed interface Applied permits GroupEvent.Propose, Applied.Value {

  /**
   * An outcome made outside the runtime, for instance by a test's stand-in for a group; compares by
   * value, which the runtime's own outcomes do not.
   */
  static Applied of(long index, long term, Object result) {
    return new Value(index, term, result);
  }

  /** The outcome {@link #of} makes. */
  record Value(long index, long term, Object result) implements Applied {}

  /** The log index the command was committed at. */
  long index();

  /** The term it was proposed in. */
  long term();

  /** What {@link StateMachine#apply} set for it, or null. */
  Object result();
}
