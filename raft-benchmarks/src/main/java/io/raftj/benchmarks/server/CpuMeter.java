package io.raftj.benchmarks.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU used by this process between {@link #start()} and {@link #stop()}: in total (the operating
 * system's process CPU time, so JIT and GC threads count) and per live thread, to show where it
 * goes; and the time the garbage collectors report for the same window.
 */
public final class CpuMeter {

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> threadsAtStart;
  private long cpuAtStart;
  private long wallAtStart;
  private long gcAtStart;
  private long allocatedAtStart;

  public void start() {
    gcAtStart = gcMillis();
    allocatedAtStart = allocated();
    threadsAtStart = threadCpu();
    cpuAtStart = os.getProcessCpuTime();
    wallAtStart = System.nanoTime();
  }

  /** The CPU used since {@link #start()}, and the threads that used the most. */
  public Usage stop() {
    long cpu = os.getProcessCpuTime() - cpuAtStart;
    long wall = System.nanoTime() - wallAtStart;
    Map<Long, Long> now = threadCpu();
    List<ThreadUse> top = new ArrayList<>();
    for (ThreadInfo info :
        threads.getThreadInfo(now.keySet().stream().mapToLong(Long::longValue).toArray())) {
      if (info != null) {
        long used =
            now.get(info.getThreadId()) - threadsAtStart.getOrDefault(info.getThreadId(), 0L);
        top.add(new ThreadUse(info.getThreadName(), used));
      }
    }
    top.sort((a, b) -> Long.compare(b.cpuNanos, a.cpuNanos));
    return new Usage(
        cpu,
        wall,
        gcMillis() - gcAtStart,
        allocated() - allocatedAtStart,
        top.subList(0, Math.min(8, top.size())));
  }

  /** Bytes allocated so far by the live threads (threads that ended meanwhile are not counted). */
  private long allocated() {
    com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) threads;
    long sum = 0;
    for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
      sum += Math.max(0, b);
    }
    return sum;
  }

  private static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  private Map<Long, Long> threadCpu() {
    Map<Long, Long> m = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t >= 0) {
        m.put(id, t);
      }
    }
    return m;
  }

  /** CPU time of one thread in the window. */
  public record ThreadUse(String name, long cpuNanos) {}

  /**
   * Process CPU and wall time of the window, the collectors' time in it (G1's young collections are
   * pauses, so this is about the time the application stood still), the bytes the live threads
   * allocated, and the busiest threads.
   */
  public record Usage(
      long cpuNanos, long wallNanos, long gcMillis, long allocatedBytes, List<ThreadUse> top) {

    /** Process CPU as a percentage of one core. */
    public double percentOfCore() {
      return 100.0 * cpuNanos / wallNanos;
    }

    public String describeTop() {
      StringBuilder sb = new StringBuilder();
      for (ThreadUse t : top) {
        sb.append(sb.length() == 0 ? "" : ", ")
            .append(
                String.format(
                    java.util.Locale.ROOT, "%s %.2f%%", t.name, 100.0 * t.cpuNanos / wallNanos));
      }
      return sb.toString();
    }
  }
}
