package io.raftj.server;

import io.raftj.raft.raftpb.Message;
import java.util.List;

/**
 * The traffic one server sends another in one go: Raft messages of any number of groups and the
 * coalesced heartbeats. An empty batch still tells the receiver its sender is alive. Immutable; the
 * lists are owned by the batch.
 *
 * @param from the sending server
 * @param to the receiving server
 * @param groupIds the group of each message, in step with {@code messages}
 * @param messages Raft messages whose {@code From}/{@code To} are server IDs
 * @param heartbeats coalesced heartbeats, responses and quiesce notices
 */
public record MessageBatch(
    long from,
    long to,
    long[] groupIds,
    List<Message> messages,
    List<Transport.Heartbeat> heartbeats) {

  /** Checks that every message has its group ID. */
  public MessageBatch {
    if (groupIds.length != messages.size()) {
      throw new IllegalArgumentException(
          "groupIds has " + groupIds.length + " entries for " + messages.size() + " messages");
    }
  }

  /** The number of messages plus heartbeats. */
  public int size() {
    return messages.size() + heartbeats.size();
  }
}
