/**
 * The WAL's record protobufs, generated from {@code record.proto}: {@code Record} (one framed
 * record: type, CRC, data) and {@code Snapshot} (the payload of a snapshot marker). Mirrors etcd's
 * {@code server/storage/wal/walpb}; the bytes are the same.
 */
package io.raftj.wal.walpb;
