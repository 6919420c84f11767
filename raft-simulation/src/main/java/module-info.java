/**
 * raftj's deterministic simulation: a seeded world of Raft members, a lossy network, crashes on a
 * simulated disk, and the safety and linearizability checks run over the history.
 */
module io.raftj.simulation {
  requires transitive io.raftj.raft;
  requires transitive io.raftj.storage;
  requires transitive io.raftj.wal;
  requires io.raftj.server;

  exports io.raftj.simulation;
}
