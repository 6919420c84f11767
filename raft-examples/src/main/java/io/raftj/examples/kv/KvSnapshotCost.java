package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import com.sun.management.ThreadMXBean;
import io.raftj.server.SnapshotWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What one of the store's snapshots costs as it grows, measured the way raft-server takes it: the
 * capture on the applying thread, the stream and the file's fsync on another thread while PUTs go
 * on, then the applies that fold the writes made meanwhile back in. Keys are 16 bytes, values 256.
 *
 * <pre>java -cp raft-examples/target/raft-examples-*.jar:raft-examples/target/lib/* \
 *     io.raftj.examples.kv.KvSnapshotCost KEYS PUTS_DURING DIR [ROUNDS]</pre>
 *
 * <p>Fills the store with {@code KEYS} keys, then for each round: captures a snapshot, streams it
 * to {@code DIR/snapshot} and fsyncs it while {@code PUTS_DURING} more PUTs are applied in batches
 * of 100, then applies batches of 100 until the overlay is folded. Each round adds {@code 10 x
 * PUTS_DURING} keys first. Prints one line per round.
 */
public final class KvSnapshotCost {

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final int BATCH = 100;
  private static final ByteString VALUE = ByteString.copyFrom(new byte[256]);

  private final KvStore store = new KvStore((id, m) -> {});
  private long nextKey;

  private KvSnapshotCost() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: KvSnapshotCost KEYS PUTS_DURING DIR [ROUNDS]");
      System.exit(2);
    }
    int keys = Integer.parseInt(args[0]);
    int during = Integer.parseInt(args[1]);
    Path dir = Files.createDirectories(Path.of(args[2]));
    int rounds = args.length == 4 ? Integer.parseInt(args[3]) : 4;
    if (keys < 0 || during < BATCH || rounds < 1) {
      System.err.println("KEYS must be >= 0, PUTS_DURING >= " + BATCH + ", ROUNDS >= 1");
      System.exit(2);
    }
    new KvSnapshotCost().run(keys, during, dir.resolve("snapshot"), rounds);
  }

  private void run(int keys, int during, Path file, int rounds) throws Exception {
    for (int round = 0; round < rounds; round++) {
      putBatches(round == 0 ? keys : 10 * during);
      long self = Thread.currentThread().getId();
      long bytes0 = THREADS.getThreadAllocatedBytes(self);
      long t0 = System.nanoTime();
      SnapshotWriter writer = store.snapshot();
      long captureNanos = System.nanoTime() - t0;
      long captureBytes = THREADS.getThreadAllocatedBytes(self) - bytes0;

      Streamed streamed = new Streamed(writer, file);
      Thread t = new Thread(streamed, "snapshot-writer");
      t.start();
      putBatches(during);
      t.join();
      if (streamed.failure != null) {
        throw streamed.failure;
      }

      int applies = 0;
      long longest = 0;
      while (store.unfolded() > 0) {
        long a0 = System.nanoTime();
        putBatches(BATCH);
        longest = Math.max(longest, System.nanoTime() - a0);
        applies++;
      }
      System.out.printf(
          Locale.ROOT,
          "keys %,d: capture %.1f us (%d B); stream %.1f MB in %.0f ms, fsync %.0f ms, writer"
              + " allocated %.1f MB, GC %d ms meanwhile; fold of %,d PUTs over %d applies of %d,"
              + " longest %.2f ms%n",
          store.size(),
          captureNanos / 1e3,
          captureBytes,
          streamed.fileBytes / 1e6,
          streamed.streamNanos / 1e6,
          streamed.fsyncNanos / 1e6,
          streamed.allocated / 1e6,
          streamed.gcMillis,
          during,
          applies,
          BATCH,
          longest / 1e6);
    }
  }

  /** Applies {@code n} PUTs of new keys in batches of {@link #BATCH}. */
  private void putBatches(int n) {
    ByteString[] data = new ByteString[BATCH];
    for (int done = 0; done < n; done += BATCH) {
      for (int k = 0; k < BATCH; k++) {
        ByteString key = ByteString.copyFromUtf8(String.format(Locale.ROOT, "k%015d", nextKey++));
        data[k] = KvCommand.put(key, VALUE).encode();
      }
      store.apply(new PayloadBatch(data));
    }
  }

  /** Streams a captured view to a file and fsyncs it, timing both, on its own thread. */
  private static final class Streamed implements Runnable {
    private final SnapshotWriter writer;
    private final Path file;
    long streamNanos;
    long fsyncNanos;
    long allocated;
    long fileBytes;
    long gcMillis;
    Exception failure;

    Streamed(SnapshotWriter writer, Path file) {
      this.writer = writer;
      this.file = file;
    }

    @Override
    public void run() {
      try (FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        long self = Thread.currentThread().getId();
        long b0 = THREADS.getThreadAllocatedBytes(self);
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        OutputStream out = Channels.newOutputStream(ch);
        writer.writeTo(out);
        long t1 = System.nanoTime();
        ch.force(false);
        fsyncNanos = System.nanoTime() - t1;
        streamNanos = t1 - t0;
        allocated = THREADS.getThreadAllocatedBytes(self) - b0;
        gcMillis = gcMillis() - gc0;
        fileBytes = ch.size();
      } catch (IOException | RuntimeException e) {
        failure = e;
      }
    }

    private static long gcMillis() {
      long ms = 0;
      for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
        ms += Math.max(0, g.getCollectionTime());
      }
      return ms;
    }
  }
}
