/**
 * Quorum arithmetic: majority and joint configurations of voters, the committed index they agree on
 * and the outcome of a vote.
 *
 * <p>Mirrors etcd's {@code quorum} package ({@code quorum.go}, {@code majority.go}, {@code
 * joint.go}). Node IDs are unsigned 64-bit values held in {@code long}; configurations keep them
 * sorted in unsigned order, so iteration and output are deterministic.
 */
@NullMarked
package io.raftj.raft.quorum;

import org.jspecify.annotations.NullMarked;
