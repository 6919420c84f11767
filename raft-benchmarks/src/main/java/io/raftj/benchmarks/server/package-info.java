/**
 * Drivers for raft-server through its public API ({@code RaftServer}, {@code RaftGroup}) on a
 * {@code LocalNetwork}: {@link io.raftj.benchmarks.server.ThreeMembers} (the peers-bench workload,
 * printing its {@code RESULT} line), {@link io.raftj.benchmarks.server.ManyGroups} (idle CPU of
 * many groups, busy groups against one) and {@link io.raftj.benchmarks.server.DurableThreeMembers}
 * (fsyncs per second and entries per fsync on a data directory). Each is a main class in {@code
 * benchmarks.jar}; see docs/performance.md, "raft-server".
 */
package io.raftj.benchmarks.server;
