package io.raftj.examples.kv.jepsen;

import java.util.List;
import java.util.Random;

/**
 * One client process of the workload: until its deadline, picks a key and a member at random and
 * writes a fresh value (its op ID) or reads linearizably, recording each invocation and its
 * outcome. Writes and reads are drawn half and half. A member that refused a connection is left
 * alone for {@link #REFUSED_BACKOFF_NANOS}, so that clients of a dead node do not spin on
 * connection attempts and starve the live ones of CPU.
 */
final class Worker implements Runnable {

  private final int process;
  private final Cluster cluster;
  private final KvClient client;
  private final Recorder recorder;
  private final List<String> keys;
  private final Random random;
  private final long deadlineNanos;

  /** Until when each member is left alone after refusing a connection (System.nanoTime). */
  private final long[] refusedUntil;

  static final long REFUSED_BACKOFF_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

  Worker(
      int process,
      Cluster cluster,
      KvClient client,
      Recorder recorder,
      List<String> keys,
      long seed,
      long deadlineNanos) {
    this.process = process;
    this.cluster = cluster;
    this.client = client;
    this.recorder = recorder;
    this.keys = keys;
    this.random = new Random(seed);
    this.deadlineNanos = deadlineNanos;
    this.refusedUntil = new long[cluster.nodes.size()];
    java.util.Arrays.fill(refusedUntil, System.nanoTime()); // nobody left alone yet
  }

  @Override
  public void run() {
    try {
      while (System.nanoTime() < deadlineNanos) {
        String key = keys.get(random.nextInt(keys.size()));
        int node = pickNode();
        boolean write = random.nextBoolean();
        long id = recorder.invoke(process, key, write);
        String base = cluster.nodes.get(node).base();
        Outcome o = write ? client.put(base, key, id) : client.get(base, key);
        recorder.complete(process, key, id, write, o);
        if (o.detail().contains("ConnectException")) {
          refusedUntil[node] = System.nanoTime() + REFUSED_BACKOFF_NANOS;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A member at random among those not left alone; waits out the backoff if all are. */
  private int pickNode() throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      int n = refusedUntil.length;
      int start = random.nextInt(n);
      long soonest = Long.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        int node = (start + i) % n;
        if (refusedUntil[node] - now <= 0) {
          return node;
        }
        soonest = Math.min(soonest, refusedUntil[node] - now);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(soonest); // backoff, not synchronisation
    }
  }
}
