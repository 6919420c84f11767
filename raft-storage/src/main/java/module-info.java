/**
 * raftj's durable storage: {@code DurableStorage} over a data directory (snapshots in etcd's {@code
 * .snap} format plus the WAL), recovered into a {@code MemoryStorage} on open.
 */
module io.raftj.storage {
  requires transitive io.raftj.raft;
  requires transitive io.raftj.wal;
  requires org.slf4j;

  exports io.raftj.storage;
}
