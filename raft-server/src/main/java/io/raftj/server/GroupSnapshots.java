package io.raftj.server;

import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group member's snapshots as its loop sees them: the state machine's own, recorded in Raft's
 * storage once written (and the log compacted behind it); the leader's, restored into the state
 * machine once durable; the ones the leader sends, streamed through the transport; and the files of
 * older ones, deleted once a newer one is durable. Confined to the group's loop thread.
 */
final class GroupSnapshots {

  private static final Logger LOG = LoggerFactory.getLogger(GroupSnapshots.class);

  private final GroupRunner group;
  private final GroupLog log;
  private final SnapshotStore store;
  private final MembershipView membership;
  private final Applier applier;

  /** The index of the newest snapshot in Raft's storage. */
  private long lastIndex;

  GroupSnapshots(
      GroupRunner group,
      GroupLog log,
      SnapshotStore store,
      MembershipView membership,
      Applier applier,
      long lastIndex) {
    this.group = group;
    this.log = log;
    this.store = store;
    this.membership = membership;
    this.applier = applier;
    this.lastIndex = lastIndex;
  }

  /** The state machine's snapshot at {@code index} is in the store: Raft's storage records it. */
  void written(long index) throws IOException {
    log.snapshot(
        index,
        membership.at(index),
        Applier.MARKER,
        group.memoryShare().catchUpEntries(group.options().snapshotCatchUpEntries()));
    membership.forgetBefore(index);
    recorded(index);
  }

  /**
   * A snapshot from the leader is durable: the state machine restores it before later entries, and
   * the proposals waiting in the log it replaced fail through {@code fail}, their outcome unknown.
   */
  void fromLeader(
      Snapshot snap,
      PendingProposals inLog,
      BiConsumer<CompletableFuture<Object>, RaftServerException> fail) {
    long index = snap.getMetadata().getIndex();
    for (GroupEvent.Propose p : inLog.takeUpTo(index)) {
      fail.accept(
          p.future(),
          new OutcomeUnknownException(
              "a snapshot at index "
                  + index
                  + " replaced the log where proposal "
                  + p.index()
                  + " was"));
    }
    membership.reset(snap.getMetadata().getConfState(), index);
    applier.restore(snap);
    recorded(index);
  }

  /** Streams the snapshot a {@code MsgSnap} names to its receiver; the outcome comes back. */
  void send(Message m) {
    long to = m.getTo();
    group
        .server()
        .transport()
        .sendSnapshot(
            to,
            new StoredSnapshot(
                group.groupId(),
                m,
                store,
                delivered -> group.enqueue(new GroupEvent.SnapshotSent(to, delivered))));
  }

  /**
   * Raft's storage now holds a snapshot at {@code index}: once that is durable, the state machine
   * snapshots before the previous one can go. The previous one stays as the fallback the storage
   * keeps too, in case the newest snapshot file is unreadable after a crash.
   */
  private void recorded(long index) {
    long keepFrom = lastIndex;
    lastIndex = index;
    if (keepFrom == 0) {
      return;
    }
    log.afterWrites(
        () -> {
          try {
            store.deleteBefore(keepFrom);
          } catch (IOException e) {
            LOG.warn(
                "group {}: could not delete old snapshots; retried after the next one",
                GroupRunner.hex(group.groupId()),
                e);
          }
        });
  }
}
