package io.raftj.server;

/**
 * A proposal's outcome once applied on the member that proposed it. Immutable once its future
 * completes; it is the proposal's own record inside the runtime, so that a command costs one object
 * on its way through the group, not two.
 */
public sealed interface Applied permits GroupEvent.Propose {

  /** The log index the command was committed at. */
  long index();

  /** The term it was proposed in. */
  long term();

  /** What {@link StateMachine#apply} set for it, or null. */
  Object result();
}
