package io.raftj.server;

/**
 * A proposal's outcome once applied on the member that proposed it.
 *
 * @param index the log index the command was committed at
 * @param term the term it was proposed in
 * @param result what {@link StateMachine#apply} set for it, or null
 */
public record Applied(long index, long term, Object result) {}
