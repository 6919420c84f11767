/**
 * The leader's mutable bookkeeping of its followers: {@code Progress} per peer, {@code Inflights}
 * flow control, the {@code ProgressMap} and {@code ProgressTracker} holding the active
 * configuration ({@code TrackerConfig}) and the votes.
 *
 * <p>Mirrors etcd's {@code go.etcd.io/raft/v3/tracker} package. Not part of the API (the module
 * does not export it): users see progress and configuration through the read-only views in {@link
 * io.raftj.raft.tracker}. Nothing here is thread-safe: the objects are owned by the thread driving
 * the Raft state machine.
 */
@NullMarked
package io.raftj.raft.tracker.internal;

import org.jspecify.annotations.NullMarked;
