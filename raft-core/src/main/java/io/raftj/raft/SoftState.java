package io.raftj.raft;

/**
 * Volatile state that need not be persisted: the known leader and this node's role. Mirrors {@code
 * SoftState} in etcd's {@code node.go}.
 *
 * @param lead the leader's ID, or {@link RaftConstants#NONE}
 * @param raftState this node's role
 */
public record SoftState(long lead, StateType raftState) {}
