/**
 * Test harnesses for raft and for users' own tests: the data-driven script runner ({@link
 * io.raftj.raft.rafttest.DataDriven}) that runs etcd's test scripts byte for byte, the registry of
 * script kinds ({@link io.raftj.raft.rafttest.ScriptKinds}) and the command-line runner behind
 * {@code bin/raft-script}, with {@link io.raftj.raft.rafttest.ScriptDiagram} for its {@code
 * --diagram} pictures; the interaction harness ({@link io.raftj.raft.rafttest.InteractionEnv}) that
 * drives a raft group through etcd's interaction scripts; and a simulated network ({@link
 * io.raftj.raft.rafttest.Network}) on which users test their own state machines, deterministically
 * and in simulated time.
 *
 * <p>Mirrors etcd's {@code rafttest} package and the cockroachdb/datadriven library its tests are
 * written in.
 */
package io.raftj.raft.rafttest;
