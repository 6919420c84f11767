package io.raftj.benchmarks.server;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The peers-bench driver loop, run from one thread: a closed loop with {@code inflight} commands
 * outstanding (a semaphore permit each, released when the command's future completes), warm-up then
 * a measured window; then one command outstanding at a time for latency. Commands are fresh arrays
 * whose first 8 bytes are a sequence number counting up from 0.
 */
final class ClosedLoop {

  /** Where a command goes: proposes it and returns a future completed once it is applied. */
  @FunctionalInterface
  interface Target {
    CompletableFuture<?> submit(byte[] command);
  }

  final LongAdder acked = new LongAdder();
  final LongAdder failed = new LongAdder();
  private final LongAdder failuresPrinted = new LongAdder();
  private final Target target;
  private final int payload;
  private long seq;

  ClosedLoop(Target target, int payload) {
    this.target = target;
    this.payload = payload;
  }

  /**
   * Runs the closed loop and returns the commands acknowledged per second in the measured window.
   */
  double throughput(int inflight, double warmupS, double measureS) throws InterruptedException {
    Semaphore window = new Semaphore(inflight);
    CpuMeter meter = new CpuMeter();
    long start = System.nanoTime();
    long warmEnd = start + (long) (warmupS * 1e9);
    long end = warmEnd + (long) (measureS * 1e9);
    long ackedAtWarm = -1;
    long tWarm = 0;
    long nextReport = start + 1_000_000_000L;
    long lastAcked = 0;
    while (true) {
      long now = System.nanoTime();
      if (ackedAtWarm < 0 && now >= warmEnd) {
        meter.start();
        ackedAtWarm = acked.sum();
        tWarm = now;
      }
      if (now >= end) {
        break;
      }
      if (now >= nextReport) {
        long cur = acked.sum();
        say(
            "  t=%2ds %s acked/s=%d failed=%d",
            (now - start) / 1_000_000_000L,
            now < warmEnd ? "warmup " : "measure",
            cur - lastAcked,
            failed.sum());
        lastAcked = cur;
        nextReport += 1_000_000_000L;
      }
      if (!window.tryAcquire(10, TimeUnit.MILLISECONDS)) {
        continue;
      }
      CompletableFuture<?> f;
      try {
        f = target.submit(Counter.Commands.make(seq++, payload));
      } catch (RuntimeException e) {
        failed.increment();
        window.release();
        noteFailure(e);
        continue;
      }
      f.whenComplete(
          (r, e) -> {
            if (e == null) {
              acked.increment();
            } else {
              failed.increment();
              noteFailure(e);
            }
            window.release();
          });
    }
    long ackedAtEnd = acked.sum();
    long tEnd = System.nanoTime();
    CpuMeter.Usage cpu = meter.stop();
    double tput = (ackedAtEnd - ackedAtWarm) / ((tEnd - tWarm) / 1e9);
    say(
        "throughput: %.1f commands/s over %.2f s (%d acked in window, %d failed so far)",
        tput, (tEnd - tWarm) / 1e9, ackedAtEnd - ackedAtWarm, failed.sum());
    long n = Math.max(1, ackedAtEnd - ackedAtWarm);
    say(
        "cpu: %.2f us/command (process, %.0f%% of a core; GC %d ms, %d B allocated/command): %s",
        cpu.cpuNanos() / 1e3 / n,
        cpu.percentOfCore(),
        cpu.gcMillis(),
        cpu.allocatedBytes() / n,
        cpu.describeTop());
    if (!window.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
      say(
          "WARNING: %d commands still outstanding 60 s after the window",
          inflight - window.availablePermits());
    } else {
      window.release(inflight);
    }
    return tput;
  }

  /** One command outstanding at a time for {@code seconds}; returns the latencies in ns, sorted. */
  long[] latency(double seconds) throws InterruptedException {
    long[] samples = new long[1 << 16];
    int n = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      byte[] cmd = Counter.Commands.make(seq++, payload);
      long t = System.nanoTime();
      try {
        target.submit(cmd).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          throw (InterruptedException) e;
        }
        failed.increment();
        noteFailure(e);
        continue;
      }
      long d = System.nanoTime() - t;
      acked.increment();
      if (n == samples.length) {
        samples = Arrays.copyOf(samples, n * 2);
      }
      samples[n++] = d;
    }
    long[] s = Arrays.copyOf(samples, n);
    Arrays.sort(s);
    return s;
  }

  /** Nearest-rank percentile of a sorted array; -1 when empty. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int idx = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private void noteFailure(Throwable e) {
    failuresPrinted.increment();
    if (failuresPrinted.sum() <= 5) {
      say("command failed: %s", e);
    }
  }

  /** Prints one line, formatted in the root locale. */
  static synchronized void say(String fmt, Object... args) {
    System.out.println(String.format(Locale.ROOT, fmt, args));
    System.out.flush();
  }
}
