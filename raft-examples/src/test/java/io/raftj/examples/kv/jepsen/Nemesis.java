package io.raftj.examples.kv.jepsen;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays a {@link Schedule} against the cluster on its own thread: kills, pauses, then heals each
 * fault when its time is up, and reports each action as it happens. {@link #stop} cuts the schedule
 * short; the caller heals whatever is left.
 */
final class Nemesis implements Runnable {

  private final Cluster cluster;
  private final Schedule schedule;
  private final Random random;
  private final Consumer<String> out;
  private final long startNanos;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private int faults;

  Nemesis(
      Cluster cluster, Schedule schedule, Random random, long startNanos, Consumer<String> out) {
    this.cluster = cluster;
    this.schedule = schedule;
    this.random = random;
    this.startNanos = startNanos;
    this.out = out;
  }

  void stop() {
    stopped.countDown();
  }

  /** How many faults were injected. */
  synchronized int faults() {
    return faults;
  }

  @Override
  public void run() {
    try {
      for (Schedule.Step step : schedule.steps()) {
        if (!waitUntil(step.atMs())) {
          return;
        }
        List<NodeProcess> targets = targets(step.fault());
        for (NodeProcess n : targets) {
          report(step.fault().text + ": node " + n.id + " (pid " + n.pid() + ")");
          if (step.fault().kills()) {
            n.kill();
          } else {
            n.pause();
          }
        }
        synchronized (this) {
          faults++;
        }
        boolean more = waitUntil(step.atMs() + step.holdMs());
        for (NodeProcess n : targets) {
          n.heal();
          report(
              "heal: node "
                  + n.id
                  + " "
                  + (step.fault().kills() ? "restarted" : "resumed")
                  + " (pid "
                  + n.pid()
                  + ")");
        }
        if (!more) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The running nodes a fault hits: the leader first when it targets the leader. */
  private List<NodeProcess> targets(Fault f) throws InterruptedException {
    List<NodeProcess> running = new ArrayList<>();
    for (NodeProcess n : cluster.nodes) {
      if (n.state() == NodeProcess.State.RUNNING) {
        running.add(n);
      }
    }
    List<NodeProcess> chosen = new ArrayList<>();
    if (f.targetsLeader()) {
      long leader = cluster.anyLeader();
      for (NodeProcess n : running) {
        if (n.id == leader) {
          chosen.add(n);
          running.remove(n);
          break;
        }
      }
    }
    while (chosen.size() < f.count() && !running.isEmpty()) {
      chosen.add(running.remove(random.nextInt(running.size())));
    }
    return chosen;
  }

  /** Waits until {@code ms} after the start; false if stopped first. */
  private boolean waitUntil(long ms) throws InterruptedException {
    long left = startNanos + TimeUnit.MILLISECONDS.toNanos(ms) - System.nanoTime();
    return !stopped.await(Math.max(0, left), TimeUnit.NANOSECONDS);
  }

  private void report(String what) {
    out.accept(
        String.format(
            "%6.1fs  %s  %s",
            (System.nanoTime() - startNanos) / 1e9,
            java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
            what));
  }
}
