package io.raftj.raft.rafttest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.Config;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A member of a {@link Network}: a {@link RawNode} over a {@link MemoryStorage}, with a state
 * machine it applies committed entries to. It handles each Ready the way an application must
 * (persist, send, apply, advance) and survives a simulated crash: {@link #restart} rebuilds the
 * RawNode and the state machine from what the storage holds. Not thread-safe.
 */
public final class SimulatedNode {

  private final long id;
  private final MemoryStorage storage;
  private final Supplier<Config> configTemplate;
  private final Supplier<StateMachine> stateMachines;
  private RawNode rawNode;
  private StateMachine stateMachine;
  private ConfState confState;
  private long applied;
  private boolean running = true;
  private final List<Entry> appliedEntries = new ArrayList<>();

  SimulatedNode(
      long id,
      MemoryStorage storage,
      Supplier<Config> configTemplate,
      Supplier<StateMachine> stateMachines) {
    this.id = id;
    this.storage = storage;
    this.configTemplate = configTemplate;
    this.stateMachines = stateMachines;
    start();
  }

  private void start() {
    Snapshot snap = storage.snapshot();
    stateMachine = stateMachines.get();
    stateMachine.restore(snap.getData());
    confState = snap.getMetadata().getConfState();
    applied = snap.getMetadata().getIndex();
    rawNode = new RawNode(configTemplate.get().setId(id).setStorage(storage).setApplied(applied));
  }

  /** The member's ID. */
  public long id() {
    return id;
  }

  /** The member's RawNode; replaced on restart. */
  public RawNode rawNode() {
    return rawNode;
  }

  /** The member's storage, which survives a restart. */
  public MemoryStorage storage() {
    return storage;
  }

  /** The member's state machine; a fresh one after each restart. */
  public StateMachine stateMachine() {
    return stateMachine;
  }

  /** The index of the last entry applied to the state machine. */
  public long applied() {
    return applied;
  }

  /** The committed normal entries with data applied since the last (re)start, in log order. */
  public List<Entry> appliedEntries() {
    return Collections.unmodifiableList(appliedEntries);
  }

  /** Whether the member runs (false after {@code stop}, until {@code restart}). */
  public boolean isRunning() {
    return running;
  }

  /** Crashes the node: it stops ticking, sending and receiving; its storage survives. */
  void stop() {
    running = false;
  }

  /** Restarts a stopped node from its storage, with a fresh state machine. */
  void restart() {
    appliedEntries.clear();
    start();
    running = true;
  }

  /** Handles one Ready if there is one, handing its messages to {@code send}. */
  boolean handleReady(Consumer<Message> send) {
    if (!rawNode.hasReady()) {
      return false;
    }
    Ready rd = rawNode.ready();
    if (!Util.isEmptySnap(rd.snapshot())) {
      storage.applySnapshot(rd.snapshot());
    }
    storage.append(rd.entries());
    if (!Util.isEmptyHardState(rd.hardState())) {
      storage.setHardState(rd.hardState());
    }
    for (Message m : rd.messages()) {
      send.accept(m);
    }
    if (!Util.isEmptySnap(rd.snapshot())) {
      stateMachine.restore(rd.snapshot().getData());
      confState = rd.snapshot().getMetadata().getConfState();
      applied = rd.snapshot().getMetadata().getIndex();
    }
    for (Entry e : rd.committedEntries()) {
      apply(e);
    }
    rawNode.advance(rd);
    return true;
  }

  private void apply(Entry e) {
    try {
      if (e.getType() == EntryType.EntryConfChange) {
        confState = rawNode.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData())));
      } else if (e.getType() == EntryType.EntryConfChangeV2) {
        confState = rawNode.applyConfChange(ConfChangeI.of(ConfChangeV2.parseFrom(e.getData())));
      } else if (!e.getData().isEmpty()) {
        stateMachine.apply(e);
        appliedEntries.add(e);
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("corrupt conf change at index " + e.getIndex(), ex);
    }
    applied = e.getIndex();
  }

  /**
   * Saves the state machine into a storage snapshot at the applied index and compacts the log up to
   * it, so that a follower needing older entries must be sent the snapshot.
   */
  void compact() {
    if (applied <= storage.firstIndex() - 1) {
      return;
    }
    storage.createSnapshot(applied, confState, stateMachine.snapshot());
    storage.compact(applied);
  }
}
