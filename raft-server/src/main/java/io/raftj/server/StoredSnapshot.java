package io.raftj.server;

import io.raftj.raft.raftpb.Message;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A snapshot message Raft asked to send, with its data read from the group's snapshot store when
 * the transport opens it. The transport's report reaches the group once, however often the
 * transport calls it.
 */
final class StoredSnapshot implements Transport.OutgoingSnapshot {

  private final long groupId;
  private final Message message;
  private final SnapshotStore store;
  private final Consumer<Boolean> onCompleted;
  private final AtomicBoolean done = new AtomicBoolean();

  StoredSnapshot(
      long groupId, Message message, SnapshotStore store, Consumer<Boolean> onCompleted) {
    this.groupId = groupId;
    this.message = message;
    this.store = store;
    this.onCompleted = onCompleted;
  }

  @Override
  public long groupId() {
    return groupId;
  }

  @Override
  public Message message() {
    return message;
  }

  @Override
  public InputStream open() throws IOException {
    return store.open(
        message.getSnapshot().getMetadata().getTerm(),
        message.getSnapshot().getMetadata().getIndex());
  }

  @Override
  public void completed(boolean delivered) {
    if (done.compareAndSet(false, true)) {
      onCompleted.accept(delivered);
    }
  }
}
