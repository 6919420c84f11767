package io.raftj.wal;

/**
 * One segment file of a WAL directory, as its name and size describe it: etcd names a segment
 * {@code %016x-%016x.wal} after its sequence number and the index of the first entry it may hold.
 *
 * @param name the file name
 * @param seq the segment's sequence number
 * @param firstIndex the index after which the segment's entries start (its name's second part)
 * @param size the file's size in bytes, preallocated zeros included
 */
public record WalSegment(String name, long seq, long firstIndex, long size) {}
