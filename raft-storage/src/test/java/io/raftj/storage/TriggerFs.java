package io.raftj.storage;

import io.raftj.wal.CrashFs;
import io.raftj.wal.ForwardingWalFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@link io.raftj.wal.WalFs} over a {@link CrashFs} that crashes it at a chosen call instead of
 * making the call: the first one matching {@link #crashAt}, named by operation ({@code "write"},
 * {@code "force"}, {@code "rename"}, {@code "syncDir"}, {@code "delete"}, {@code "create"}) and
 * path. {@link #image()} then holds what survived.
 */
final class TriggerFs extends ForwardingWalFs {

  /** Which call to crash at. */
  interface Trigger {
    boolean test(String op, Path path);
  }

  private final CrashFs fs;
  private final long crashSeed;
  private Trigger trigger;
  private CrashFs image;

  TriggerFs(CrashFs fs, long crashSeed) {
    super(fs);
    this.fs = fs;
    this.crashSeed = crashSeed;
  }

  /** Arms the trigger: the next matching call crashes the file system. */
  synchronized void crashAt(Trigger t) {
    trigger = t;
  }

  /** The surviving image, or null if the trigger has not fired. */
  synchronized CrashFs image() {
    return image;
  }

  /** Crashes now, disarming the trigger; returns what survived. */
  synchronized CrashFs crash() {
    trigger = null;
    image = fs.crash(crashSeed);
    return image;
  }

  private synchronized void check(String op, Path path) throws IOException {
    if (trigger != null && trigger.test(op, path)) {
      trigger = null;
      image = fs.crash(crashSeed);
      throw new IOException("crashed at " + op + " " + path);
    }
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    check("create", dir);
    super.createDirectories(dir);
  }

  @Override
  public void deleteRecursively(Path path) throws IOException {
    check("delete", path);
    super.deleteRecursively(path);
  }

  @Override
  public WalFile open(Path path, boolean write) throws IOException {
    if (write && !fs.exists(path)) {
      check("create", path);
    }
    return super.open(path, write);
  }

  @Override
  public WalFile openLocked(Path path, String holder) throws IOException {
    if (!fs.exists(path)) {
      check("create", path);
    }
    return super.openLocked(path, holder);
  }

  @Override
  protected WalFile wrap(WalFile f) {
    Path path = f.path();
    return new ForwardingWalFile(f) {
      @Override
      public void write(ByteBuffer src, long pos) throws IOException {
        check("write", path);
        super.write(src, pos);
      }

      @Override
      public void truncate(long size) throws IOException {
        check("truncate", path);
        super.truncate(size);
      }

      @Override
      public void preallocate(long size) throws IOException {
        check("preallocate", path);
        super.preallocate(size);
      }

      @Override
      public void force() throws IOException {
        check("force", path);
        super.force();
      }
    };
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    check("rename", from);
    super.rename(from, to);
  }

  @Override
  public void delete(Path path) throws IOException {
    check("delete", path);
    super.delete(path);
  }

  @Override
  public void syncDir(Path dir) throws IOException {
    check("syncDir", dir);
    super.syncDir(dir);
  }
}
