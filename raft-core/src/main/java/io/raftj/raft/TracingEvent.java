package io.raftj.raft;

import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import org.jspecify.annotations.Nullable;

/**
 * One state-machine event for a {@link TraceLogger}. Mirrors {@code TracingEvent} in etcd's {@code
 * state_trace.go}.
 *
 * @param name the event name, as etcd spells it ({@code InitState}, {@code BecomeLeader}, {@code
 *     Commit}, {@code Replicate}, {@code ChangeConf}, {@code ApplyConfChange}, {@code Ready},
 *     {@code SendAppendEntriesRequest}, {@code ReceiveRequestVoteResponse}, ...)
 * @param nodeId the node that emitted the event
 * @param state the node's term, vote and commit index at the event
 * @param role the node's role at the event
 * @param logSize the node's last log index
 * @param config the node's configuration, as {@code voters=(1 2 3)...}
 * @param message the message sent or received, or null for node events
 */
public record TracingEvent(
    String name,
    long nodeId,
    HardState state,
    StateType role,
    long logSize,
    String config,
    @Nullable Message message) {}
