package io.raftj.storage;

import io.raftj.raft.raftpb.Snapshot;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .snap} file as its name and size describe it: etcd names a snapshot file {@code
 * %016x-%016x.snap} after the snapshot's term and index.
 *
 * @param path the file
 * @param term the snapshot's term, from the name
 * @param index the snapshot's index, from the name
 * @param size the file's size in bytes
 */
public record SnapshotFile(Path path, long term, long index, long size) {

  /**
   * Reads and checks the file (its CRC and both protobuf layers) without changing anything: a file
   * that does not read is reported, not renamed.
   *
   * @return the snapshot
   * @throws EmptySnapshotException if the file, its data or its CRC is empty
   * @throws SnapshotCrcMismatchException if the data does not match its CRC
   * @throws IOException if the file cannot be read or does not parse
   */
  public Snapshot read() throws IOException {
    return Snapshotter.read(path);
  }

  /** The file for {@code name} in {@code dir}, or null if the name is not a snapshot's. */
  static SnapshotFile parse(Path dir, String name, long size) {
    long index = Snapshotter.indexOf(name);
    if (index < 0) {
      return null;
    }
    long term = Long.parseUnsignedLong(name.substring(0, 16), 16);
    return new SnapshotFile(dir.resolve(name), term, index, size);
  }
}
