package io.raftj.server;

import io.raftj.raft.raftpb.Message;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Carries Raft traffic between servers: batches of messages of every group, and snapshots streamed
 * in chunks. One instance per {@link RaftServer}; the server calls {@link #start} once, before
 * anything else. {@link LocalNetwork} ships an in-memory implementation; a network one lives in its
 * own module.
 *
 * <p>Contract: every method is thread-safe and returns without waiting on the network. Delivery is
 * best effort, as Raft expects: a batch may be dropped, delayed, duplicated or reordered, but never
 * altered. When a destination cannot be reached (a full queue, a broken connection), the transport
 * drops what it cannot send and calls {@link Inbound#unreachable}; Raft then probes that member
 * again.
 */
public interface Transport extends AutoCloseable {

  /** Starts delivering traffic addressed to {@code localServerId} to {@code inbound}. */
  void start(long localServerId, Inbound inbound);

  /** Sends a batch to server {@code to} (never this server). Must not block. */
  void send(long to, MessageBatch batch);

  /**
   * Streams a snapshot to server {@code to}: reads {@link OutgoingSnapshot#open()} in bounded
   * chunks and hands them to the receiver's {@link Inbound#receiveSnapshot} sink, then reports the
   * outcome exactly once with {@link OutgoingSnapshot#completed}. Must not block the caller.
   */
  void sendSnapshot(long to, OutgoingSnapshot snapshot);

  /** Stops sending and delivering; pending snapshot transfers report failure. */
  @Override
  void close();

  /** What the transport calls on the receiving server. Thread-safe; never blocks for long. */
  interface Inbound {

    /** Delivers a batch that arrived from {@code batch.from()}. */
    void receive(MessageBatch batch);

    /**
     * Opens a sink for a snapshot of group {@code groupId} arriving from {@code from}; {@code
     * message} is the {@code MsgSnap} it belongs to (its snapshot's data is a small descriptor, not
     * the state).
     *
     * @throws IOException if the receiver cannot take it now (the sender reports failure)
     */
    SnapshotSink receiveSnapshot(long from, long groupId, Message message) throws IOException;

    /** Reports that traffic to {@code server} was dropped because it could not be reached. */
    void unreachable(long server);
  }

  /** One outgoing snapshot transfer. */
  interface OutgoingSnapshot {

    /** The group the snapshot belongs to. */
    long groupId();

    /** The {@code MsgSnap} to deliver once the bytes have arrived. */
    Message message();

    /** The state machine's snapshot bytes, from the start; the transport closes the stream. */
    java.io.InputStream open() throws IOException;

    /** Reports the outcome; the first call counts, later ones are ignored. */
    void completed(boolean delivered);
  }

  /** Where a receiver puts an incoming snapshot's bytes. Called by one thread at a time. */
  interface SnapshotSink {

    /** Appends the chunk's remaining bytes. */
    void write(ByteBuffer chunk) throws IOException;

    /** All bytes have arrived: make the snapshot durable and hand it to the group. */
    void finish() throws IOException;

    /** The transfer failed; discard what arrived. */
    void abort(Throwable cause);
  }

  /**
   * Raft's own frequent case in a compact form: a heartbeat, its response, or a leader's notice
   * that the group goes quiet. Heartbeats with a read-index context travel as full messages.
   *
   * @param groupId the group
   * @param term the sender's term
   * @param commit the sender's commit index (heartbeats and quiesce notices)
   * @param kind what it is
   */
  record Heartbeat(long groupId, long term, long commit, HeartbeatKind kind) {}

  /** The kinds of {@link Heartbeat}. */
  enum HeartbeatKind {
    /** A leader's {@code MsgHeartbeat} without context. */
    HEARTBEAT,
    /** A follower's {@code MsgHeartbeatResp} without context. */
    RESPONSE,
    /** A leader's notice that every member is caught up and ticking can stop. */
    QUIESCE
  }
}
