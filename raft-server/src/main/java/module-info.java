/**
 * raftj's server runtime: a {@code RaftServer} hosting many Raft groups on a fixed pool of threads,
 * the {@code StateMachine} SPI, the {@code RaftGroup} handle and the {@code Transport} SPI.
 */
module io.raftj.server {
  requires transitive io.raftj.raft;
  requires transitive io.raftj.wal;
  requires transitive io.raftj.storage;
  requires org.slf4j;

  exports io.raftj.server;
}
