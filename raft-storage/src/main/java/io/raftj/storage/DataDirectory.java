package io.raftj.storage;

import io.raftj.wal.WalFs;
import io.raftj.wal.WalReader;
import io.raftj.wal.WalSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A read-only view of a data directory, for inspection and tools: raftj's (what {@link
 * DurableStorage} opens) or an etcd member directory ({@code <etcd-data-dir>/member}), which share
 * the layout {@code snap/} + {@code wal/}. Nothing here writes: no lock is taken, no permission
 * changed, no file created, deleted, renamed or repaired, so it can look at the directory of a
 * running node, a backup, or a copy taken off a broken machine. Contrast {@link
 * DurableStorage#open}, which locks the directory and repairs what a crash left.
 * <!-- snippet: raft-storage/src/test/java/io/raftj/storage/DataDirectoryTest.java -->
 *
 * <pre>{@code
 * DataDirectory d = DataDirectory.open(dataDir);
 * for (SnapshotFile f : d.snapshots()) {
 *   System.out.println(f.path().getFileName() + " term=" + f.term() + " index=" + f.index());
 * }
 * try (WalReader r = d.openWal()) {
 *   // ...
 * }
 * }</pre>
 */
public final class DataDirectory {
  private final Path dir;

  private DataDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Looks at {@code dir}, which must hold a {@code wal/} or a {@code snap/} directory.
   *
   * @param dir raftj's data directory, or etcd's {@code member} directory
   * @return the view; nothing has been read yet
   * @throws NoSuchFileException if {@code dir} does not exist
   * @throws NotDirectoryException if {@code dir} is not a directory
   * @throws IOException if {@code dir} is not a data directory; the message says where one is when
   *     {@code dir} is etcd's data directory (pass its {@code member}) or a WAL directory (pass its
   *     parent)
   */
  public static DataDirectory open(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such data directory");
    }
    if (!Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    if (Files.isDirectory(dir.resolve(DurableStorage.WAL_DIR))
        || Files.isDirectory(dir.resolve(DurableStorage.SNAP_DIR))) {
      return new DataDirectory(dir);
    }
    String hint = "";
    if (Files.isDirectory(dir.resolve("member"))) {
      hint = "; it looks like an etcd data directory: open " + dir.resolve("member");
    } else if (hasWalFiles(dir)) {
      hint = "; it holds .wal files: open its parent, or read it with WalReader";
    }
    throw new IOException("not a data directory (no wal/ or snap/ in it): " + dir + hint);
  }

  private static boolean hasWalFiles(Path dir) throws IOException {
    for (String n : WalFs.nio().list(dir)) {
      if (n.endsWith(".wal")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The data directory.
   *
   * @return the directory this view was opened on
   */
  public Path dir() {
    return dir;
  }

  /**
   * The WAL directory, {@code wal/}.
   *
   * @return the path, whether or not it exists
   */
  public Path walDir() {
    return dir.resolve(DurableStorage.WAL_DIR);
  }

  /**
   * The snapshot directory, {@code snap/}.
   *
   * @return the path, whether or not it exists
   */
  public Path snapDir() {
    return dir.resolve(DurableStorage.SNAP_DIR);
  }

  /**
   * The {@code .snap} files, newest first (by term, then index, as etcd orders them), without
   * reading them; {@link SnapshotFile#read()} reads and checks one. Leftover temporary and {@code
   * .broken} files are not listed (and not removed).
   *
   * @return the snapshot files; empty if there are none or no {@code snap/}
   * @throws IOException if the directory cannot be listed
   */
  public List<SnapshotFile> snapshots() throws IOException {
    Path snap = snapDir();
    if (!Files.isDirectory(snap)) {
      return List.of();
    }
    List<SnapshotFile> out = new ArrayList<>();
    for (String name : WalFs.nio().list(snap)) {
      SnapshotFile f = SnapshotFile.parse(snap, name, Files.size(snap.resolve(name)));
      if (f != null) {
        out.add(f);
      }
    }
    Collections.reverse(out); // names sort by term, then index
    return out;
  }

  /**
   * The WAL's segments, in order, without opening them.
   *
   * @return the segments
   * @throws io.raftj.wal.WalFileNotFoundException if {@code wal/} holds no segment
   * @throws NoSuchFileException if there is no {@code wal/}
   */
  public List<WalSegment> walSegments() throws IOException {
    return WalReader.segments(walDir(), WalFs.nio());
  }

  /**
   * Opens the WAL for reading record by record; see {@link WalReader}.
   *
   * @return a reader; close it
   * @throws io.raftj.wal.WalFileNotFoundException if {@code wal/} holds no segment
   * @throws NoSuchFileException if there is no {@code wal/}
   */
  public WalReader openWal() throws IOException {
    return WalReader.open(walDir());
  }
}
