/**
 * The Raft state machine and its API: {@code Raft}, {@code RawNode}, {@code Node}, the log
 * ({@code RaftLog}, {@code Unstable}), {@code Storage} and {@code MemoryStorage}.
 *
 * <p>Mirrors etcd's {@code go.etcd.io/raft/v3} root package, file for file. The package does no
 * I/O and starts no threads, except {@code Node}, a thin loop over {@code RawNode}.
 */
package io.raftj.raft;
