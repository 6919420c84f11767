/**
 * JMH benchmarks of the write-ahead log: {@code save} with an fsync per batch and {@code readAll}
 * replay, each next to a raw {@code FileChannel} loop over the same bytes.
 */
package io.raftj.benchmarks.wal;
