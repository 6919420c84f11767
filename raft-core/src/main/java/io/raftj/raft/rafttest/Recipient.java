package io.raftj.raft.rafttest;

/**
 * A recipient of {@code deliver-msgs}: its queued messages are delivered, or dropped when {@code
 * drop} is set. Mirrors {@code Recipient} in etcd's {@code
 * rafttest/interaction_env_handler_deliver_msgs.go}.
 */
public record Recipient(long id, boolean drop) {}
