/**
 * The Raft state machine and its API: {@code Raft}, {@code RawNode}, {@code Node}, the log ({@code
 * RaftLog}, {@code Unstable}), {@code Storage} and {@code MemoryStorage}.
 *
 * <p>Mirrors etcd's {@code go.etcd.io/raft/v3} root package, file for file. The package does no I/O
 * and starts no threads, except {@code Node}, a thin loop over {@code RawNode}.
 *
 * <h2>Numbers: one unsigned policy</h2>
 *
 * etcd's IDs, terms, indexes and sizes are all {@code uint64}; here they are {@code long}, and each
 * kind has one rule, so that a reader knows which comparisons matter:
 *
 * <ul>
 *   <li><b>Terms and indexes are never negative.</b> They are checked where they enter the core
 *       ({@code RawNode.step} for messages; the WAL's replay for records read from disk; the quorum
 *       scripts for their {@code idx} arguments) and rejected there if at or above 2^63. Everywhere
 *       inside, they are compared and subtracted with plain operators ({@code <}, {@code Math.min},
 *       {@code Long.compare}).
 *   <li><b>Node IDs are unsigned 64-bit</b> (etcd member IDs often exceed 2^63). They are only
 *       tested for equality, sorted with {@link Long#compareUnsigned} (etcd iterates them in
 *       unsigned order, which shows in output), and printed with {@code %x} or {@link
 *       Long#toUnsignedString}.
 *   <li><b>Byte budgets</b> ({@code maxSizePerMsg}, {@code maxCommittedSizePerReady}, the
 *       uncommitted and applying sizes) are compared with {@link Long#compareUnsigned}, as etcd's
 *       {@code uint64} sizes are: a budget set from Go's {@code math.MaxUint64} reads as -1 here
 *       and still means "no limit".
 *   <li><b>No value doubles as an error.</b> A failed lookup throws a typed exception ({@code
 *       CompactedException}, {@code UnavailableException}); where etcd returns {@code (value, ok)}
 *       on a per-entry path, a named sentinel ({@code NOT_FOUND = -1}) stands for {@code ok ==
 *       false}, is only ever tested for equality, and cannot be a term or an index.
 * </ul>
 *
 * <p>Null: nothing here is null unless marked {@link org.jspecify.annotations.Nullable} (the
 * package is {@link org.jspecify.annotations.NullMarked}, and NullAway checks it at build time).
 * Where etcd uses a nil pointer to mean "unchanged" ({@code Ready.softState}), the Java value is
 * null and the accessor says so.
 */
@NullMarked
package io.raftj.raft;

import org.jspecify.annotations.NullMarked;
