package io.raftj.benchmarks.server;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} command-line arguments over a set of defaults; an unknown key is an error. */
final class Args {

  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args} against {@code defaults} given as alternating keys and values.
   *
   * @throws IllegalArgumentException on an argument without {@code =} or with an unknown key
   */
  static Args parse(String[] args, String... defaults) {
    Map<String, String> v = new LinkedHashMap<>();
    for (int i = 0; i + 1 < defaults.length; i += 2) {
      v.put(defaults[i], defaults[i + 1]);
    }
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException(
            "bad argument " + a + ": expected key=value, keys " + v.keySet());
      }
      if (!v.containsKey(kv[0])) {
        throw new IllegalArgumentException("unknown key " + kv[0] + ", known: " + v.keySet());
      }
      v.put(kv[0], kv[1]);
    }
    return new Args(v);
  }

  int integer(String key) {
    return Integer.parseInt(values.get(key));
  }

  double seconds(String key) {
    return Double.parseDouble(values.get(key));
  }

  String string(String key) {
    return values.get(key);
  }

  /** The JVM line every driver prints first, as peers-bench prints it. */
  static String jvm() {
    return String.format(
        "jvm: %s %s, args=%s, cpus=%d",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        Runtime.getRuntime().availableProcessors());
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    values.forEach(
        (k, val) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(val));
    return sb.toString();
  }
}
