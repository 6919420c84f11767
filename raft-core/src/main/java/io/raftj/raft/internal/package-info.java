/**
 * Helpers the core's packages share and users do not need: Go's {@code %v}/{@code %q} formatting
 * ({@code GoFormat}, {@code ProtoText}), the {@code Describe} formatters behind log lines and the
 * interaction harness, message classification ({@code Messages}), invariant checks ({@code
 * Invariants}), snapshot field presence ({@code Presence}) and unsigned ID sorting ({@code
 * UnsignedIds}).
 *
 * <p>Not part of the API: the module does not export this package (except to the simulation module,
 * which prints messages as the harness does), and its contents change without notice. The
 * counterparts of helpers in etcd's {@code util.go}, {@code logger.go} and {@code raftpb/util.go}.
 */
@NullMarked
package io.raftj.raft.internal;

import org.jspecify.annotations.NullMarked;
