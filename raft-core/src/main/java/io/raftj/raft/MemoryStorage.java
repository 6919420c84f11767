package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.Util.EntryView;
import io.raftj.raft.internal.Invariants;
import io.raftj.raft.internal.Presence;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;

/**
 * A {@link Storage} held in memory: an entry array behind the latest snapshot. Mirrors {@code
 * MemoryStorage} in etcd's {@code storage.go}.
 *
 * <p>Thread-safe: every method takes one lock, because Raft reads from the thread driving it while
 * the application appends from its own. Returned entry lists are unmodifiable views that never
 * change; entries and snapshots are immutable protobuf messages, shared, not copied.
 *
 * <p>Entry {@code i} of the array has log position {@code i + snapshotIndex}. The first entry is a
 * dummy that keeps only the index and term of the snapshot (or of the last compacted entry), for
 * term matching; a fresh storage starts with a dummy at index 0, term 0.
 */
public final class MemoryStorage implements Storage {

  private final Object lock = new Object();
  private final RaftLogger logger;

  private HardState hardState = HardState.getDefaultInstance();
  private Snapshot snapshot = Presence.ensure(Snapshot.getDefaultInstance());

  /*
   * The entries are ents[0, len). As in Unstable, slots below len are never rewritten once a view
   * may have seen them: truncation and compaction copy into a new array.
   */
  private Entry[] ents;
  private int len;

  /** An empty storage logging through the default {@link RaftLogger}. */
  public MemoryStorage() {
    this(RaftLogger.defaultLogger());
  }

  /** An empty storage logging (its panics) through {@code logger}. */
  public MemoryStorage(RaftLogger logger) {
    this.logger = logger;
    this.ents = new Entry[] {Entry.getDefaultInstance()};
    this.len = 1;
  }

  /** A storage holding exactly {@code ents}, the first being the dummy entry; for tests. */
  MemoryStorage(List<Entry> ents, RaftLogger logger) {
    this.logger = logger;
    this.ents = ents.toArray(new Entry[0]);
    this.len = this.ents.length;
  }

  @Override
  public InitialState initialState() {
    synchronized (lock) {
      return new InitialState(hardState, snapshot.getMetadata().getConfState());
    }
  }

  /** Saves the current hard state; null stands for the empty one. */
  public void setHardState(HardState st) {
    synchronized (lock) {
      hardState = st != null ? st : HardState.getDefaultInstance();
    }
  }

  @Override
  public List<Entry> entries(long lo, long hi, long maxSize) {
    synchronized (lock) {
      long offset = ents[0].getIndex();
      if (lo <= offset) {
        throw CompactedException.INSTANCE;
      }
      if (hi > lastIndexLocked() + 1) {
        throw Invariants.panic(
            logger, "entries' hi(%d) is out of bound lastindex(%d)", hi, lastIndexLocked());
      }
      // Only the dummy entry.
      if (len == 1) {
        throw UnavailableException.INSTANCE;
      }
      List<Entry> view = new EntryView(ents, (int) (lo - offset), (int) (hi - offset));
      return Util.limitSize(view, maxSize);
    }
  }

  @Override
  public long term(long i) {
    synchronized (lock) {
      long offset = ents[0].getIndex();
      if (i < offset) {
        throw CompactedException.INSTANCE;
      }
      if (i - offset >= len) {
        throw UnavailableException.INSTANCE;
      }
      return ents[(int) (i - offset)].getTerm();
    }
  }

  @Override
  public long lastIndex() {
    synchronized (lock) {
      return lastIndexLocked();
    }
  }

  private long lastIndexLocked() {
    return ents[0].getIndex() + len - 1;
  }

  @Override
  public long firstIndex() {
    synchronized (lock) {
      return firstIndexLocked();
    }
  }

  private long firstIndexLocked() {
    return ents[0].getIndex() + 1;
  }

  @Override
  public Snapshot snapshot() {
    synchronized (lock) {
      // A snapshot made by createSnapshot keeps the caller's ConfState as given; etcd completes
      // it here, on the way out.
      snapshot = Presence.ensure(snapshot);
      return snapshot;
    }
  }

  /**
   * Replaces the contents of this storage with {@code snap}. A snapshot with index 0 is allowed as
   * the first one: applications may bootstrap with only a {@code ConfState} in it.
   *
   * @throws SnapOutOfDateException if the storage already has a snapshot at or after its index
   */
  public void applySnapshot(Snapshot snap) {
    synchronized (lock) {
      Snapshot s = Presence.ensure(snap);
      long msIndex = snapshot.getMetadata().getIndex();
      long snapIndex = s.getMetadata().getIndex();
      if (msIndex != 0 && msIndex >= snapIndex) {
        throw SnapOutOfDateException.INSTANCE;
      }
      snapshot = s;
      Entry dummy =
          Entry.newBuilder().setTerm(s.getMetadata().getTerm()).setIndex(snapIndex).build();
      ents = new Entry[] {dummy};
      len = 1;
    }
  }

  /**
   * Makes a snapshot at index {@code i}, to be returned by {@link #snapshot()} and used to rebuild
   * the state at that point. If the configuration changed since the last compaction, {@code cs}
   * must be the result of the last {@code applyConfChange}; a null {@code cs} keeps the previous
   * one. Does not compact the log (see {@link #compact}).
   *
   * @param data the application's state at {@code i}; null leaves the field unset
   * @return the new snapshot
   * @throws SnapOutOfDateException if {@code i} is not after the current snapshot's index
   * @throws IllegalStateException if {@code i} is after the last index
   */
  public Snapshot createSnapshot(long i, ConfState cs, ByteString data) {
    synchronized (lock) {
      if (i <= snapshot.getMetadata().getIndex()) {
        throw SnapOutOfDateException.INSTANCE;
      }
      long offset = ents[0].getIndex();
      if (i > lastIndexLocked()) {
        throw Invariants.panic(
            logger, "snapshot %d is out of bound lastindex(%d)", i, lastIndexLocked());
      }
      long term = ents[(int) (i - offset)].getTerm();
      SnapshotMetadata.Builder md = snapshot.getMetadata().toBuilder().setIndex(i).setTerm(term);
      if (cs != null) {
        md.setConfState(cs);
      }
      Snapshot.Builder b = Snapshot.newBuilder().setMetadata(md);
      if (data != null) {
        b.setData(data);
      }
      snapshot = b.build();
      return snapshot;
    }
  }

  /**
   * Discards the entries before {@code compactIndex}, keeping its index and term in the dummy
   * entry. The application must not compact past what Raft has applied.
   *
   * @throws CompactedException if {@code compactIndex} is already compacted
   * @throws IllegalStateException if {@code compactIndex} is after the last index
   */
  public void compact(long compactIndex) {
    synchronized (lock) {
      long offset = ents[0].getIndex();
      if (compactIndex <= offset) {
        throw CompactedException.INSTANCE;
      }
      if (compactIndex > lastIndexLocked()) {
        throw Invariants.panic(
            logger, "compact %d is out of bound lastindex(%d)", compactIndex, lastIndexLocked());
      }
      int i = (int) (compactIndex - offset);
      // A new array: the old one may be referenced by views returned from entries().
      Entry[] fresh = new Entry[len - i];
      fresh[0] = Entry.newBuilder().setIndex(ents[i].getIndex()).setTerm(ents[i].getTerm()).build();
      System.arraycopy(ents, i + 1, fresh, 1, len - i - 1);
      ents = fresh;
      len = fresh.length;
    }
  }

  /**
   * Appends {@code entries} (consecutive), replacing any existing entries at or after the index of
   * the first of them; entries already compacted are skipped.
   *
   * @throws IllegalStateException if the entries would leave a gap after the last index
   */
  public void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    synchronized (lock) {
      long first = firstIndexLocked();
      long firstNew = entries.get(0).getIndex();
      long last = firstNew + entries.size() - 1;
      // Nothing new.
      if (last < first) {
        return;
      }
      // Skip the compacted entries.
      int from = first > firstNew ? (int) (first - firstNew) : 0;
      int n = entries.size() - from;
      long offset = entries.get(from).getIndex() - ents[0].getIndex();
      if (len > offset) {
        // Truncate: copy, the replaced slots may be visible through views.
        int keep = (int) offset;
        Entry[] fresh = new Entry[keep + n];
        System.arraycopy(ents, 0, fresh, 0, keep);
        copyInto(entries, from, fresh, keep);
        ents = fresh;
        len = fresh.length;
      } else if (len == offset) {
        if (len + n > ents.length) {
          Entry[] fresh = new Entry[Math.max(len + n, len * 2)];
          System.arraycopy(ents, 0, fresh, 0, len);
          ents = fresh;
        }
        copyInto(entries, from, ents, len);
        len += n;
      } else {
        throw Invariants.panic(
            logger,
            "missing log entry [last: %d, append at: %d]",
            lastIndexLocked(),
            entries.get(from).getIndex());
      }
    }
  }

  private static void copyInto(List<Entry> src, int from, Entry[] dst, int at) {
    for (int i = from, n = src.size(); i < n; i++) {
      dst[at + i - from] = src.get(i);
    }
  }

  /** The entries including the dummy at position 0; for tests. */
  List<Entry> ents() {
    synchronized (lock) {
      return new EntryView(ents, 0, len);
    }
  }
}
