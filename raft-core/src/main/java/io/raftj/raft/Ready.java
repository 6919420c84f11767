package io.raftj.raft;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a node has ready to be saved, sent and applied. Mirrors {@code Ready} in etcd's {@code
 * node.go}.
 *
 * <p>The host persists {@code hardState}, {@code entries} and {@code snapshot} (synchronously if
 * {@code mustSync}), sends {@code messages}, applies {@code snapshot} and {@code committedEntries},
 * and then calls {@code advance}. The lists are unmodifiable and owned by the Ready.
 *
 * @param softState the leader and role, or null if unchanged since the last Ready
 * @param hardState the state to persist, or the default instance if unchanged
 * @param readStates read-index answers ready to serve
 * @param entries entries to append to stable storage before sending messages
 * @param snapshot a snapshot to persist, or the default instance if none
 * @param committedEntries entries to apply to the state machine
 * @param messages messages to send after the entries are persisted (with async storage writes, also
 *     the MsgStorageAppend/MsgStorageApply for the local threads)
 * @param mustSync whether the hard state and entries must be written synchronously
 */
public record Ready(
    @Nullable SoftState softState,
    HardState hardState,
    List<ReadState> readStates,
    List<Entry> entries,
    @Nullable Snapshot snapshot,
    List<Entry> committedEntries,
    List<Message> messages,
    boolean mustSync) {

  /** True if the Ready holds anything beyond unchanged state. */
  public boolean containsUpdates() {
    return softState != null
        || !Util.isEmptyHardState(hardState)
        || !Util.isEmptySnap(snapshot)
        || !entries.isEmpty()
        || !committedEntries.isEmpty()
        || !messages.isEmpty()
        || !readStates.isEmpty();
  }
}
