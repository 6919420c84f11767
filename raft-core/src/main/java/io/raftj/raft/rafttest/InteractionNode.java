package io.raftj.raft.rafttest;

import io.raftj.raft.Config;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RawNode;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A member of a raft group driven by an {@link InteractionEnv}: the {@link RawNode}, its storage
 * and config, the pending work of its append and apply threads (async storage writes), and the
 * history of its state machine as snapshots. Mirrors {@code Node} in etcd's {@code
 * rafttest/interaction_env.go}.
 *
 * <p>The state machine is an "appender": each applied entry appends its data (a conf change's
 * context) to the previous snapshot's data, so {@link #history()} records every applied state.
 */
public final class InteractionNode {

  private final RawNode rawNode;
  private final InteractionStorage storage;
  private final Config config;
  final Deque<Message> appendWork = new ArrayDeque<>();
  final Deque<Message> applyWork = new ArrayDeque<>();
  final List<Snapshot> history = new ArrayList<>();

  InteractionNode(RawNode rawNode, InteractionStorage storage, Config config, Snapshot initial) {
    this.rawNode = rawNode;
    this.storage = storage;
    this.config = config;
    this.history.add(initial);
  }

  /** The node's RawNode. */
  public RawNode rawNode() {
    return rawNode;
  }

  /** The node's storage; entries reach it only through Ready handling or the append thread. */
  public MemoryStorage storage() {
    return storage.memory();
  }

  /** The configuration the node was created with. */
  public Config config() {
    return config;
  }

  /** The node's ID. */
  public long id() {
    return config.id();
  }

  /** The pending {@code MsgStorageAppend} messages, oldest first (unmodifiable view). */
  public List<Message> appendWork() {
    return List.copyOf(appendWork);
  }

  /** The pending {@code MsgStorageApply} messages, oldest first. */
  public List<Message> applyWork() {
    return List.copyOf(applyWork);
  }

  /** The state machine's snapshots: the initial one, then one per applied entry. */
  public List<Snapshot> history() {
    return List.copyOf(history);
  }

  Snapshot lastSnapshot() {
    return history.get(history.size() - 1);
  }
}
