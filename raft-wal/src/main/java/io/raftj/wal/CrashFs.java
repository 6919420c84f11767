package io.raftj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * An in-memory {@link WalFs} that remembers what was made durable and can crash. File data is
 * durable once {@code force}d; directory entries (creates, renames, deletes) once the directory is
 * synced. {@link #crash} returns the image a power failure could leave: per file, unsynced sectors
 * either vanish, survive up to a 512-byte boundary (a torn write), or survive at random; per
 * directory, all unsynced entry changes are kept or all lost. The crashed instance refuses every
 * further operation, as a dead machine would.
 *
 * <p>Optionally it crashes by itself after a number of mutating calls from the owner thread, so a
 * crash can land inside a save, a cut or a create. Mutating calls are creates, writes, truncations,
 * preallocations, fsyncs, renames, deletes and directory fsyncs; reads, listings and locks are not
 * counted.
 *
 * <p>Paths are absolute and live only in this object; there are no permissions. It is a testing
 * aid, not a production file system: it lives in raft-wal's main jar beside the {@link WalFs} SPI
 * so that the WAL's own crash tests, the layers above it (raft-storage) and the cluster simulator
 * in raft-simulation, as well as users' tests of their own hosts, crash the same way. Nothing in
 * the production path refers to it. Thread-safe; the countdown counts only the thread that set it.
 */
public final class CrashFs implements WalFs {
  /** The unit a crash tears at: a disk sector. */
  public static final int SECTOR = 512;

  /** How one file's unsynced sectors fare in a crash. */
  enum Tear {
    VANISH,
    PREFIX,
    HALF,
    SCATTER,
    KEEP
  }

  private static final class Inode {
    byte[] cur = new byte[0];
    int curLen;
    byte[] dur = new byte[0];
    int durLen;
  }

  private static final class Dir {
    final TreeMap<String, Object> entries = new TreeMap<>();
    TreeMap<String, Object> durable = new TreeMap<>();
  }

  private final Dir root;
  private final Map<Path, String> locks = new HashMap<>();
  private boolean dead;
  private CrashFs image;
  private Thread owner;
  private long countdown = -1;
  private long seed;
  private String cause;

  /** An empty file system with only the root directory. */
  public CrashFs() {
    root = new Dir();
  }

  private CrashFs(Dir root) {
    this.root = root;
  }

  /**
   * Crash by itself (seeded by {@code crashSeed}) after {@code n} more mutating calls from this
   * thread; a negative {@code n} disarms it.
   */
  public synchronized void crashAfter(long n, long crashSeed) {
    owner = Thread.currentThread();
    countdown = n;
    seed = crashSeed;
  }

  /** The image left by the self-inflicted crash, or null if it has not happened. */
  public synchronized CrashFs crashedImage() {
    return image;
  }

  /** Where the self-inflicted crash landed (the calls into this file system), or null. */
  public synchronized String deathCause() {
    return cause;
  }

  private static String where() {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (StackTraceElement e : new Throwable().getStackTrace()) {
      if (e.getClassName().startsWith(CrashFs.class.getName())) {
        continue;
      }
      if (n > 0) {
        sb.append(" < ");
      }
      sb.append(e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1))
          .append('.')
          .append(e.getMethodName())
          .append(':')
          .append(e.getLineNumber());
      if (++n == 6) {
        break;
      }
    }
    return sb.toString();
  }

  /** Whether this instance has crashed (and refuses every operation). */
  public synchronized boolean isDead() {
    return dead;
  }

  /** Crashes now: this instance dies, and the returned one holds what survived. */
  public synchronized CrashFs crash(long crashSeed) {
    if (dead) {
      return image;
    }
    dead = true;
    image = new CrashFs(crashDir(root, crashSeed, "/"));
    return image;
  }

  private static Dir crashDir(Dir d, long seed, String path) {
    Random r = new Random(seed ^ path.hashCode());
    Dir out = new Dir();
    TreeMap<String, Object> survivors = r.nextBoolean() ? d.durable : d.entries;
    for (Map.Entry<String, Object> e : survivors.entrySet()) {
      String childPath = path + e.getKey() + "/";
      Object n = e.getValue();
      out.entries.put(
          e.getKey(),
          n instanceof Dir
              ? crashDir((Dir) n, seed, childPath)
              : crashFile((Inode) n, seed, childPath));
    }
    out.durable = new TreeMap<>(out.entries);
    return out;
  }

  private static Inode crashFile(Inode f, long seed, String path) {
    Random r = new Random(seed * 31 + path.hashCode());
    Tear tear = Tear.values()[r.nextInt(Tear.values().length)];
    int len =
        tear == Tear.VANISH
            ? f.durLen
            : tear == Tear.KEEP ? f.curLen : (r.nextBoolean() ? f.durLen : f.curLen);
    byte[] out = new byte[len];
    int sectors = (len + SECTOR - 1) / SECTOR;
    // the sectors where the unsynced image differs from the durable one
    int firstDiff = -1;
    int lastDiff = -1;
    for (int s = 0; s < sectors; s++) {
      if (!sameSector(f, s)) {
        if (firstDiff < 0) {
          firstDiff = s;
        }
        lastDiff = s;
      }
    }
    int cut = firstDiff < 0 ? 0 : firstDiff + r.nextInt(lastDiff - firstDiff + 2);
    int half = firstDiff < 0 ? 0 : (firstDiff + lastDiff + 1) / 2;
    for (int s = 0; s < sectors; s++) {
      boolean useCur;
      switch (tear) {
        case VANISH:
          useCur = false;
          break;
        case KEEP:
          useCur = true;
          break;
        case PREFIX:
          useCur = s < cut;
          break;
        case HALF:
          useCur = s < half;
          break;
        default:
          useCur = r.nextBoolean();
      }
      int from = s * SECTOR;
      int to = Math.min(len, from + SECTOR);
      byte[] src = useCur ? f.cur : f.dur;
      int srcLen = useCur ? f.curLen : f.durLen;
      for (int i = from; i < to; i++) {
        out[i] = i < srcLen ? src[i] : 0;
      }
    }
    Inode n = new Inode();
    n.cur = out;
    n.curLen = len;
    n.dur = out.clone();
    n.durLen = len;
    return n;
  }

  private static boolean sameSector(Inode f, int s) {
    int from = s * SECTOR;
    int to = from + SECTOR;
    for (int i = from; i < to; i++) {
      byte a = i < f.curLen ? f.cur[i] : 0;
      byte b = i < f.durLen ? f.dur[i] : 0;
      if (a != b || (i < f.curLen) != (i < f.durLen)) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------

  /** Counts a mutating call; crashes when the countdown runs out. */
  private void mutate() throws IOException {
    alive();
    if (countdown >= 0 && Thread.currentThread() == owner) {
      if (countdown-- == 0) {
        crash(seed);
        cause = where();
        throw new IOException("crashed");
      }
    }
  }

  private void alive() throws IOException {
    if (dead) {
      throw new IOException("crashed");
    }
  }

  private Dir dirOf(Path p, boolean create) throws IOException {
    Dir d = root;
    Path abs = p.toAbsolutePath().normalize();
    for (Path part : abs) {
      Object n = d.entries.get(part.toString());
      if (n == null && create) {
        n = new Dir();
        d.entries.put(part.toString(), n);
      }
      if (!(n instanceof Dir)) {
        throw new NoSuchFileException(p.toString());
      }
      d = (Dir) n;
    }
    return d;
  }

  private Dir parentOf(Path p) throws IOException {
    return dirOf(p.toAbsolutePath().normalize().getParent(), false);
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  @Override
  public synchronized List<String> list(Path dir) throws IOException {
    alive();
    return new ArrayList<>(dirOf(dir, false).entries.keySet());
  }

  @Override
  public synchronized boolean exists(Path path) {
    try {
      return !dead && parentOf(path).entries.containsKey(name(path));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void createDirectories(Path dir) throws IOException {
    mutate();
    dirOf(dir, true);
  }

  @Override
  public synchronized void deleteRecursively(Path path) throws IOException {
    alive();
    Dir parent;
    try {
      parent = parentOf(path);
    } catch (NoSuchFileException e) {
      return;
    }
    if (parent.entries.containsKey(name(path))) {
      mutate();
      parent.entries.remove(name(path));
    }
  }

  @Override
  public synchronized WalFile open(Path path, boolean write) throws IOException {
    alive();
    Dir parent = parentOf(path);
    Object n = parent.entries.get(name(path));
    if (n == null) {
      if (!write) {
        throw new NoSuchFileException(path.toString());
      }
      mutate();
      n = new Inode();
      parent.entries.put(name(path), n);
    }
    if (!(n instanceof Inode)) {
      throw new IOException("is a directory: " + path);
    }
    return new MemFile(path, (Inode) n);
  }

  @Override
  public synchronized WalFile openLocked(Path path, String holder) throws IOException {
    alive();
    Path key = path.toAbsolutePath().normalize();
    String prev = locks.get(key);
    if (prev != null) {
      throw new FileLockedException(path.toString(), prev);
    }
    MemFile f = (MemFile) open(path, true);
    locks.put(key, holder);
    f.lockKey = key;
    return f;
  }

  @Override
  public synchronized void rename(Path from, Path to) throws IOException {
    mutate();
    Dir fp = parentOf(from);
    Object n = fp.entries.get(name(from));
    if (n == null) {
      throw new NoSuchFileException(from.toString());
    }
    Dir tp = parentOf(to);
    Object existing = tp.entries.get(name(to));
    if (existing instanceof Dir && !((Dir) existing).entries.isEmpty()) {
      throw new FileAlreadyExistsException(to.toString());
    }
    fp.entries.remove(name(from));
    tp.entries.put(name(to), n);
  }

  @Override
  public synchronized void delete(Path path) throws IOException {
    mutate();
    Dir parent = parentOf(path);
    if (parent.entries.remove(name(path)) == null) {
      throw new NoSuchFileException(path.toString());
    }
  }

  @Override
  public synchronized void syncDir(Path dir) throws IOException {
    mutate();
    Dir d = dirOf(dir, false);
    d.durable = new TreeMap<>(d.entries);
  }

  /** The current bytes of a file (what a read sees), for assertions. */
  public synchronized byte[] contents(Path path) throws IOException {
    Object n = parentOf(path).entries.get(name(path));
    Inode f = (Inode) n;
    return Arrays.copyOf(f.cur, f.curLen);
  }

  private final class MemFile implements WalFile {
    private final Path path;
    private final Inode inode;
    private Path lockKey;

    MemFile(Path path, Inode inode) {
      this.path = path;
      this.inode = inode;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
      synchronized (CrashFs.this) {
        alive();
        if (pos >= inode.curLen) {
          return -1;
        }
        int n = (int) Math.min(dst.remaining(), inode.curLen - pos);
        dst.put(inode.cur, (int) pos, n);
        return n;
      }
    }

    @Override
    public void write(ByteBuffer src, long pos) throws IOException {
      synchronized (CrashFs.this) {
        mutate();
        int n = src.remaining();
        int end = (int) pos + n;
        ensure(end);
        src.get(inode.cur, (int) pos, n);
        inode.curLen = Math.max(inode.curLen, end);
      }
    }

    private void ensure(int len) {
      if (len > inode.cur.length) {
        inode.cur = Arrays.copyOf(inode.cur, Math.max(len, inode.cur.length * 2));
      }
    }

    @Override
    public long size() throws IOException {
      synchronized (CrashFs.this) {
        alive();
        return inode.curLen;
      }
    }

    @Override
    public void truncate(long size) throws IOException {
      synchronized (CrashFs.this) {
        mutate();
        if (size < inode.curLen) {
          Arrays.fill(inode.cur, (int) size, inode.curLen, (byte) 0);
          inode.curLen = (int) size;
        }
      }
    }

    @Override
    public void preallocate(long size) throws IOException {
      synchronized (CrashFs.this) {
        mutate();
        if (size > inode.curLen) {
          ensure((int) size);
          Arrays.fill(inode.cur, inode.curLen, (int) size, (byte) 0);
          inode.curLen = (int) size;
        }
      }
    }

    @Override
    public void force() throws IOException {
      synchronized (CrashFs.this) {
        mutate();
        inode.dur = Arrays.copyOf(inode.cur, inode.curLen);
        inode.durLen = inode.curLen;
      }
    }

    @Override
    public void close() {
      synchronized (CrashFs.this) {
        if (lockKey != null) {
          locks.remove(lockKey);
          lockKey = null;
        }
      }
    }
  }
}
