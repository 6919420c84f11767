/**
 * A deterministic simulator of a whole Raft cluster, run single-threaded from a seed.
 *
 * <p>{@link io.raftj.simulation.World} drives 3 to 7 {@link io.raftj.simulation.Member}s through a
 * lossy, reordering, partitionable {@link io.raftj.simulation.SimNetwork}, crashes and restarts
 * them (a crash can land inside an fsync, and unsynced writes are lost or torn by {@link
 * io.raftj.wal.CrashFs}), changes membership, transfers leadership, jumps clocks and issues client
 * writes and reads. {@link io.raftj.simulation.SafetyChecker} checks Raft's safety properties after
 * every step, {@link io.raftj.simulation.Linearizability} checks the recorded client history, and a
 * failure carries its seed and a trace, so that {@code bin/raft-sim --seed N --trace} replays it
 * exactly.
 *
 * <p>{@link io.raftj.simulation.RawNodeMember} runs the real {@code RawNode} over {@code
 * DurableStorage}; a member backed by another host (a {@code RaftServer}) plugs in through the same
 * {@link io.raftj.simulation.Member} interface.
 *
 * @see <a href="../../../../../docs/testing.md">docs/testing.md, "Cluster simulation"</a>
 */
package io.raftj.simulation;
