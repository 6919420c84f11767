package io.raftj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link WalFs} over {@link FileChannel}: files 0600 and directories 0700 where POSIX permissions
 * exist, fdatasync as {@code force(false)}, directory fsync by forcing a read channel on the
 * directory. Mirrors the parts of etcd's {@code client/pkg/fileutil} the WAL uses.
 *
 * <p>Locks are {@link FileChannel#tryLock()} (POSIX record locks, which exclude other processes,
 * including etcd's own OFD locks) plus a JVM-wide registry of locked files, because the OS does not
 * stop a second channel in the same process. Closing any channel on a file drops every POSIX lock
 * the process holds on it, so a file this JVM holds locked is never opened a second time: {@link
 * #openLocked} refuses it, and {@link #open} returns a view over the locking channel whose close
 * leaves that channel open.
 */
final class NioWalFs implements WalFs {
  static final NioWalFs INSTANCE = new NioWalFs();

  /** The files this JVM holds locked, by {@link #lockKey}. */
  private static final ConcurrentMap<Path, NioFile> LOCKED = new ConcurrentHashMap<>();

  private NioWalFs() {}

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }

  /**
   * The registry key of {@code path}: its real path when it exists, so that two spellings of one
   * file (a symbolic link to its directory, say) meet on one key; else the normalised absolute
   * path.
   */
  private static Path lockKey(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  /**
   * Creates the missing directories of {@code dir}, each 0700 where permissions exist (as etcd's
   * {@code TouchDirAll}); a directory that exists keeps the permissions its owner gave it.
   */
  @Override
  public void createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    List<Path> missing = new ArrayList<>();
    for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(p);
    }
    for (int i = missing.size() - 1; i >= 0; i--) {
      Path p = missing.get(i);
      try {
        Files.createDirectory(
            p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectory(p); // not a POSIX file system; keep the default
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
        // created meanwhile by someone else: theirs to keep as it is
      }
    }
    if (!Files.isDirectory(abs)) {
      throw new java.nio.file.NotDirectoryException(dir.toString());
    }
  }

  @Override
  public void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path p : ds) {
          deleteRecursively(p);
        }
      }
    }
    Files.deleteIfExists(path);
  }

  @Override
  public WalFile open(Path path, boolean write) throws IOException {
    NioFile locker = LOCKED.get(lockKey(path));
    if (locker != null) {
      return locker.view(path);
    }
    return openChannel(path, write);
  }

  private static NioFile openChannel(Path path, boolean write) throws IOException {
    if (!write) {
      return new NioFile(path, FileChannel.open(path, StandardOpenOption.READ), null);
    }
    Set<StandardOpenOption> opts =
        EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              path,
              opts,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      ch = FileChannel.open(path, opts);
    }
    return new NioFile(path, ch, null);
  }

  @Override
  public WalFile openLocked(Path path, String holder) throws IOException {
    synchronized (LOCKED) {
      NioFile locker = LOCKED.get(lockKey(path));
      if (locker != null) {
        throw new FileLockedException(path.toString(), locker.holder);
      }
      // No channel of this JVM holds a lock on the file, so closing this one on failure is safe.
      NioFile f = openChannel(path, true);
      FileLock l;
      try {
        l = f.ch.tryLock();
      } catch (IOException | RuntimeException e) {
        closeAfter(f.ch, e);
        throw e;
      }
      if (l == null) {
        FileLockedException e = new FileLockedException(path.toString(), externalHolder(path));
        closeAfter(f.ch, e);
        throw e;
      }
      NioFile locked = new NioFile(path, f.ch, holder);
      locked.lockKey = lockKey(path);
      LOCKED.put(locked.lockKey, locked);
      return locked;
    }
  }

  private static void closeAfter(FileChannel ch, Exception cause) {
    try {
      ch.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void delete(Path path) throws IOException {
    Files.delete(path);
  }

  @Override
  public void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (FileSystemException e) {
      // Some platforms (Windows) cannot open a directory as a channel.
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  /**
   * Names the process holding a lock on {@code path}, from Linux's /proc/locks when it can be read
   * ("pid 1234"), else "another process".
   */
  static String externalHolder(Path path) {
    try {
      Object ino = Files.getAttribute(path, "unix:ino");
      Path locks = Path.of("/proc/locks");
      if (ino != null && Files.isReadable(locks)) {
        String suffix = ":" + ino;
        for (String line : Files.readAllLines(locks)) {
          // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 0 EOF" (blocked waiters start with "->")
          String[] f = line.trim().split("\\s+");
          if (f.length >= 6 && !f[1].equals("->") && f[5].endsWith(suffix)) {
            // OFD locks (etcd's) carry no pid
            return f[4].equals("-1")
                ? "another process (" + f[1] + " lock)"
                : "pid " + f[4] + " (" + f[1] + " lock)";
          }
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // not Linux, or no permission: fall through
    }
    return "another process";
  }

  private static final class NioFile implements WalFile {
    private final Path path;
    private final FileChannel ch;

    /** Who holds the lock, for a file from {@link #openLocked}; null otherwise. */
    private final String holder;

    /** Whether the channel belongs to a locked file this one is only a view of. */
    private final boolean view;

    private Path lockKey;

    NioFile(Path path, FileChannel ch, String holder) {
      this(path, ch, holder, false);
    }

    private NioFile(Path path, FileChannel ch, String holder, boolean view) {
      this.path = path;
      this.ch = ch;
      this.holder = holder;
      this.view = view;
    }

    /**
     * Another handle on this locked file's channel: its close leaves the channel, and the lock,
     * alone.
     */
    NioFile view(Path at) {
      return new NioFile(at, ch, null, true);
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
      return ch.read(dst, pos);
    }

    @Override
    public void write(ByteBuffer src, long pos) throws IOException {
      long p = pos;
      while (src.hasRemaining()) {
        p += ch.write(src, p);
      }
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      ch.truncate(size);
    }

    @Override
    public void preallocate(long size) throws IOException {
      long cur = ch.size();
      if (size <= cur) {
        return;
      }
      // The JDK has no fallocate: writing the last byte extends the file (sparse where the file
      // system allows), which at least keeps fdatasync from persisting a size change per append.
      write(ByteBuffer.allocate(1), size - 1);
    }

    @Override
    public void force() throws IOException {
      ch.force(false);
    }

    @Override
    public void close() throws IOException {
      if (view) {
        return;
      }
      if (lockKey == null) {
        ch.close();
        return;
      }
      synchronized (LOCKED) {
        try {
          ch.close();
        } finally {
          LOCKED.remove(lockKey, this);
          lockKey = null;
        }
      }
    }
  }
}
