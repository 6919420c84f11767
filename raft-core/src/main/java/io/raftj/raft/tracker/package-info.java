/**
 * The leader's view of its followers: {@code Progress} per peer, {@code Inflights} flow control,
 * and {@code ProgressTracker} holding the active configuration, the progress map and the votes.
 *
 * <p>Mirrors etcd's {@code go.etcd.io/raft/v3/tracker} package. Nothing here is thread-safe: the
 * objects are owned by the thread driving the Raft state machine.
 */
@NullMarked
package io.raftj.raft.tracker;

import org.jspecify.annotations.NullMarked;
