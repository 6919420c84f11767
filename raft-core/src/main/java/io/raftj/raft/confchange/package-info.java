/**
 * Configuration changes: {@code Changer} validates and applies simple and joint-consensus changes
 * (Raft thesis §4.3) to a tracker's configuration and progress map, and {@code Restore} rebuilds
 * both from a {@code ConfState}.
 *
 * <p>Mirrors etcd's {@code go.etcd.io/raft/v3/confchange} package. Nothing here mutates the tracker
 * it is given: results are new objects that the caller installs.
 */
@NullMarked
package io.raftj.raft.confchange;

import org.jspecify.annotations.NullMarked;
