/**
 * Snapshot files and durable Raft storage: {@link io.raftj.storage.Snapshotter} reads and writes
 * etcd's {@code .snap} files (etcd's {@code server/etcdserver/api/snap}), and durable storage keeps
 * snapshot files, the WAL ({@code io.raftj.wal}) and a {@code MemoryStorage} in the order Raft
 * requires, recovering all three from a data directory on restart.
 */
package io.raftj.storage;
