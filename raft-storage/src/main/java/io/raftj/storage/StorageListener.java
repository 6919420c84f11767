package io.raftj.storage;

/**
 * Receives measurements from {@link Snapshotter} and durable storage: fsync and save durations,
 * bytes written, and how many WAL segments and snapshot files are kept. These are the figures etcd
 * exports as {@code etcd_disk_wal_fsync_duration_seconds}, {@code etcd_snap_fsync_duration_seconds}
 * and friends; a host forwards them to the metrics library it already uses.
 *
 * <p>Calls come on the thread that saves, inside the save: keep them cheap and never throw. Every
 * method has an empty default, so a listener overrides only what it records.
 */
public interface StorageListener {

  /** A listener that ignores everything. */
  StorageListener NONE = new StorageListener() {};

  /**
   * Entries and/or a hard state were written to the WAL.
   *
   * @param entries number of entries written
   * @param bytes encoded size of the entries and hard state
   * @param synced whether the write was fsynced (Raft required durability)
   * @param nanos time spent in the WAL, fsync included
   */
  default void walSaved(int entries, long bytes, boolean synced, long nanos) {}

  /**
   * The WAL fsynced: its tail after a save Raft required to be durable, a snapshot record, a
   * segment cut or a close, or its directory after a cut. etcd's {@code
   * etcd_disk_wal_fsync_duration_seconds}. A save that syncs reports here and, with the whole
   * save's time, in {@link #walSaved}.
   *
   * @param nanos time the fsync took
   */
  default void walFsynced(long nanos) {}

  /**
   * A snapshot file was written and made durable.
   *
   * @param index the snapshot's index
   * @param bytes size of the file
   * @param fsyncNanos time spent in the file's fsync
   * @param nanos time for the whole save, marshalling and directory fsync included
   */
  default void snapshotSaved(long index, long bytes, long fsyncNanos, long nanos) {}

  /**
   * Old files were purged (or a purge found nothing to do).
   *
   * @param walSegmentsRemoved WAL segment files deleted
   * @param snapshotsRemoved snapshot files deleted
   * @param walSegments WAL segment files left
   * @param snapshots snapshot files left
   */
  default void purged(
      int walSegmentsRemoved, int snapshotsRemoved, int walSegments, int snapshots) {}
}
