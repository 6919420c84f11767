package io.raftj.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps the next segment ready: a background thread creates, locks and preallocates {@code 0.tmp} /
 * {@code 1.tmp} alternately, so a cut only writes its header and renames. Mirrors {@code
 * filePipeline} in etcd's {@code wal/file_pipeline.go}: one file is prepared ahead, and the next
 * one is started as soon as it is taken.
 */
final class FilePipeline {
  private final WalFs fs;
  private final Path dir;
  private final long size;
  private final String holder;
  private final ExecutorService executor;
  private int count;
  private CompletableFuture<WalFs.WalFile> next;

  FilePipeline(WalFs fs, Path dir, long size, String holder) {
    this.fs = fs;
    this.dir = dir;
    this.size = size;
    this.holder = holder;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "wal-file-pipeline " + dir.getFileName());
              t.setDaemon(true);
              return t;
            });
    this.next = CompletableFuture.supplyAsync(this::alloc, executor);
  }

  /** Takes the prepared file, waiting for it if need be, and starts preparing another. */
  WalFs.WalFile open() throws IOException {
    WalFs.WalFile f = join(next);
    next = CompletableFuture.supplyAsync(this::alloc, executor);
    return f;
  }

  /**
   * Deletes the prepared file and stops the thread. A failure to prepare it is not reported here:
   * {@link #open} reports it to the cut that needed the file.
   */
  void close() throws IOException {
    try {
      WalFs.WalFile f;
      try {
        f = next.join();
      } catch (CompletionException | java.util.concurrent.CancellationException notPrepared) {
        return;
      }
      Path p = f.path();
      f.close();
      fs.delete(p);
    } finally {
      executor.shutdown();
    }
  }

  private WalFs.WalFile alloc() {
    Path p = dir.resolve((count % 2) + ".tmp");
    WalFs.WalFile f = null;
    try {
      f = fs.openLocked(p, holder);
      // A crash inside a cut can leave a tmp file with a header in it; start from nothing so
      // no stale frame lies past what the next cut writes.
      f.truncate(0);
      f.preallocate(size);
      count++;
      return f;
    } catch (IOException e) {
      if (f != null) {
        try {
          f.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new CompletionException(e);
    }
  }

  private static WalFs.WalFile join(CompletableFuture<WalFs.WalFile> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException) {
        throw (IOException) e.getCause();
      }
      throw e;
    }
  }
}
