/**
 * Read-only views of the leader's bookkeeping, as {@code RawNode.status()} and {@code
 * RawNode.withProgress} hand them out: {@link io.raftj.raft.tracker.ProgressView} per peer (in a
 * {@link io.raftj.raft.tracker.ProgressState}) and the configuration, {@link
 * io.raftj.raft.tracker.ConfigView}.
 *
 * <p>Mirrors what etcd's {@code go.etcd.io/raft/v3/tracker} package exports to readers of a status.
 * The mutable objects behind the views live in a package the module does not export.
 */
@NullMarked
package io.raftj.raft.tracker;

import org.jspecify.annotations.NullMarked;
