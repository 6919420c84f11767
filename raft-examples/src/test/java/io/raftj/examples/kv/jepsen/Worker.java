package io.raftj.examples.kv.jepsen;

import java.util.List;
import java.util.Random;

/**
 * One client process of the workload: until its deadline, picks a key and a member at random and
 * writes a fresh value (its op ID) or reads linearizably, recording each invocation and its
 * outcome. Writes and reads are drawn half and half.
 */
final class Worker implements Runnable {

  private final int process;
  private final Cluster cluster;
  private final KvClient client;
  private final Recorder recorder;
  private final List<String> keys;
  private final Random random;
  private final long deadlineNanos;

  Worker(int process, Cluster cluster, KvClient client, Recorder recorder, List<String> keys, long seed,
      long deadlineNanos) {
    this.process = process;
    this.cluster = cluster;
    this.client = client;
    this.recorder = recorder;
    this.keys = keys;
    this.random = new Random(seed);
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void run() {
    try {
      while (System.nanoTime() < deadlineNanos) {
        String key = keys.get(random.nextInt(keys.size()));
        String base = cluster.nodes.get(random.nextInt(cluster.nodes.size())).base();
        boolean write = random.nextBoolean();
        long id = recorder.invoke(process, key, write);
        Outcome o = write ? client.put(base, key, id) : client.get(base, key);
        recorder.complete(process, key, id, write, o);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
