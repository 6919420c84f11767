package io.raftj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A {@link WalFs} that passes every call to another one: the base for a file system that adds
 * something to a few calls (counting fsyncs, injecting faults, crashing at a chosen call) and
 * forwards the rest. Override the calls to change; files opened through it are handed to {@link
 * #wrap}, whose default returns them as they are, so file calls can be changed by extending {@link
 * ForwardingWalFile}. Thread-safe if the delegate and the overrides are.
 */
public class ForwardingWalFs implements WalFs {

  private final WalFs delegate;

  /** Forwards every call to {@code delegate}. */
  public ForwardingWalFs(WalFs delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The file system calls are forwarded to. */
  protected final WalFs delegate() {
    return delegate;
  }

  /** Wraps each file opened through this file system; the default adds nothing. */
  protected WalFile wrap(WalFile file) {
    return file;
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public void deleteRecursively(Path path) throws IOException {
    delegate.deleteRecursively(path);
  }

  @Override
  public WalFile open(Path path, boolean write) throws IOException {
    return wrap(delegate.open(path, write));
  }

  @Override
  public void rename(Path from, Path to) throws IOException {
    delegate.rename(from, to);
  }

  @Override
  public void delete(Path path) throws IOException {
    delegate.delete(path);
  }

  @Override
  public void syncDir(Path dir) throws IOException {
    delegate.syncDir(dir);
  }

  @Override
  public WalFile openLocked(Path path, String holder) throws IOException {
    return wrap(delegate.openLocked(path, holder));
  }

  /** A {@link WalFile} that passes every call to another one; extend it to change a few. */
  public static class ForwardingWalFile implements WalFile {
    private final WalFile delegate;

    /** Forwards every call to {@code delegate}. */
    public ForwardingWalFile(WalFile delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Path path() {
      return delegate.path();
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
      return delegate.read(dst, pos);
    }

    @Override
    public void write(ByteBuffer src, long pos) throws IOException {
      delegate.write(src, pos);
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      delegate.truncate(size);
    }

    @Override
    public void preallocate(long size) throws IOException {
      delegate.preallocate(size);
    }

    @Override
    public void force() throws IOException {
      delegate.force();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
