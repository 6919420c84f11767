/**
 * JMH benchmarks of the Raft core: proposals through {@code RawNode}, a 3-node in-memory cluster
 * stepped in one thread, and {@code Node} with a simulated fsync. Mirrors etcd's {@code
 * BenchmarkRawNode} and {@code BenchmarkOneNode}; figures are in docs/performance.md.
 */
package io.raftj.benchmarks.core;
