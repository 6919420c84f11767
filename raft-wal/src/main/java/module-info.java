/**
 * raftj's write-ahead log in etcd's on-disk format: {@code Wal}, its file system SPI ({@code
 * WalFs}), readers and the record protobufs. Mirrors etcd's {@code server/storage/wal}.
 */
module io.raftj.wal {
  requires transitive io.raftj.raft;
  requires org.slf4j;

  exports io.raftj.wal;
  exports io.raftj.wal.walpb;
}
