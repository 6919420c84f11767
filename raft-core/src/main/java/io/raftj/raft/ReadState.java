package io.raftj.raft;

import com.google.protobuf.ByteString;

/**
 * The answer to a read-index request: reads issued with {@code requestCtx} are linearizable once
 * the state machine has applied {@code index}. Mirrors {@code ReadState} in etcd's {@code
 * read_only.go}; the caller tells requests apart by their (unique) context.
 *
 * @param index the commit index at the time the request was confirmed
 * @param requestCtx the context passed to {@code readIndex}
 */
public record ReadState(long index, ByteString requestCtx) {}
