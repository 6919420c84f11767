package io.raftj.examples.kv.jepsen;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The longer Jepsen-style run on demand ({@code bin/kv-jepsen}): prints the nemesis schedule as it
 * plays, the op counts and the verdict; exits 1 if the history is not valid.
 */
public final class KvJepsen {

  static final String USAGE =
      """
      Usage: kv-jepsen [--duration SECONDS] [--clients N] [--keys N] [--seed N] [--dir DIR]
                       [--serializable-reads]

      Runs a Jepsen-style test of the key-value example: three server processes, N clients writing
      and reading over HTTP, a nemesis that kills (-9), pauses (SIGSTOP) and restarts nodes, then a
      linearizability check of every key's history and a check that no acknowledged write is lost.

        --duration SECONDS  how long clients run (default: 60)
        --clients N         concurrent clients (default: 8)
        --keys N            keys, each a register checked on its own (default: 8)
        --seed N            the seed of the nemesis schedule and the clients' choices (default: random)
        --dir DIR           where the nodes' data, logs and history.txt go (default: a new temp dir)
        --serializable-reads
                            clients read each member's local state (?serializable=true), which
                            may be stale: the check should then fail (it shows the checker works)
      """;

  private KvJepsen() {}

  public static void main(String[] args) throws Exception {
    long duration = 60;
    int clients = 8;
    int keys = 8;
    long seed = new java.util.Random().nextLong();
    Path dir = null;
    boolean serializable = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        return;
      }
      if (a.equals("--serializable-reads")) {
        serializable = true;
        continue;
      }
      if (i + 1 >= args.length) {
        fail(a + " wants a value");
      }
      String v = args[++i];
      switch (a) {
        case "--duration" -> duration = number(a, v, 1, 86_400);
        case "--clients" -> clients = (int) number(a, v, 1, 256);
        case "--keys" -> keys = (int) number(a, v, 1, 10_000);
        case "--seed" -> seed = number(a, v, Long.MIN_VALUE, Long.MAX_VALUE);
        case "--dir" -> dir = Path.of(v);
        default -> fail("unknown flag " + a);
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("kv-jepsen-");
    }
    JepsenRun.Result r =
        new JepsenRun(
                new JepsenRun.Options(duration * 1000, clients, keys, seed, dir, serializable),
                System.out::println)
            .run();
    System.out.print(r.summary());
    System.exit(r.valid() ? 0 : 1);
  }

  private static long number(String flag, String v, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        fail(flag + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      fail(flag + " wants a number, got \"" + v + "\"");
      return 0;
    }
  }

  private static void fail(String message) {
    System.err.println("kv-jepsen: " + message + " (try --help)");
    System.exit(2);
  }
}
