/**
 * The protocol types and small helpers around them: the classes generated from {@code raft.proto}
 * ({@code Message}, {@code Entry}, {@code HardState}, {@code Snapshot}, {@code ConfState}, {@code
 * ConfChange}, {@code ConfChangeV2} ...), {@link io.raftj.raft.raftpb.ConfChangeI} over both conf
 * change versions, {@link io.raftj.raft.raftpb.ConfChanges} and {@link
 * io.raftj.raft.raftpb.ConfStates}.
 *
 * <p>Mirrors etcd's {@code raftpb} package ({@code raft.proto}, {@code confchange.go}, {@code
 * confstate.go}). The generated messages are immutable and may be shared freely.
 */
@NullMarked
package io.raftj.raft.raftpb;

import org.jspecify.annotations.NullMarked;
