package io.raftj.wal;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import java.util.List;

/**
 * What {@link Wal#readAll} recovered: the metadata given to {@link Wal#create} (null if none was
 * given), the last hard state (the default instance if none was saved) and the entries after the
 * snapshot the WAL was opened at, later entries having replaced a conflicting suffix. The entry
 * list is unmodifiable. It may end in entries that were never committed.
 */
public record WalContents(byte[] metadata, HardState state, List<Entry> entries) {}
