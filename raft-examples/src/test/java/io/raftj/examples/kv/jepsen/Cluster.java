package io.raftj.examples.kv.jepsen;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three {@code KvServer} processes on loopback, started as {@code bin/kv-cluster} starts them, each
 * with its own data directory and log under {@code root}. Ports are picked at random below Linux's
 * ephemeral range (32768-60999), so a restarted node finds its port still free.
 */
final class Cluster implements AutoCloseable {

  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*(\\d+)");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

  final List<NodeProcess> nodes = new ArrayList<>();
  private final KvClient client = new KvClient(Duration.ofSeconds(2), false);

  private Cluster() {}

  /**
   * Defines three nodes (not started). {@code extraArgs} are passed to every node, after the ones
   * {@code ServerHelp} finds the server supports.
   */
  static Cluster create(Path root, Random random, ServerHelp help) throws IOException {
    Files.createDirectories(root);
    int[] ports = freePorts(random, 6);
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      peers.add("http://127.0.0.1:" + ports[2 * i]);
    }
    Cluster c = new Cluster();
    for (int i = 0; i < 3; i++) {
      long id = i + 1;
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--id",
                  Long.toString(id),
                  "--peers",
                  String.join(",", peers),
                  "--client-port",
                  Integer.toString(ports[2 * i + 1]),
                  "--data-dir",
                  root.resolve("node" + id).toString()));
      // Short timeouts so that requests to a dead or paused node fail fast; frequent snapshots so
      // that restarted nodes catch up through them.
      addIfSupported(help, args, "--request-timeout-ms", "2000");
      addIfSupported(help, args, "--snapshot-entries", "500");
      addIfSupported(help, args, "--catch-up-entries", "100");
      addIfSupported(help, args, "--snapshot-log-ratio", "0");
      c.nodes.add(new NodeProcess(id, ports[2 * i + 1], root.resolve("node" + id + ".log"), args));
    }
    return c;
  }

  private static void addIfSupported(
      ServerHelp help, List<String> args, String flag, String value) {
    if (help.supports(flag)) {
      args.add(flag);
      args.add(value);
    }
  }

  NodeProcess node(long id) {
    return nodes.get((int) id - 1);
  }

  void startAll() {
    for (NodeProcess n : nodes) {
      n.start();
    }
  }

  /** The leader node {@code n} names in its /status, or 0 (none known, or no answer). */
  long leaderSeenBy(NodeProcess n) throws InterruptedException {
    if (n.state() != NodeProcess.State.RUNNING) {
      return 0;
    }
    String s = client.getText(n.base(), "/status");
    if (s == null) {
      return 0;
    }
    Matcher id = ID.matcher(s);
    if (!id.find() || Long.parseLong(id.group(1)) != n.id) {
      throw new IllegalStateException("port " + n.clientPort + " answers as another node: " + s);
    }
    Matcher m = LEADER.matcher(s);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Some leader a running node names, or 0. */
  long anyLeader() throws InterruptedException {
    for (NodeProcess n : nodes) {
      long l = leaderSeenBy(n);
      if (l != 0) {
        return l;
      }
    }
    return 0;
  }

  /**
   * Polls until all three nodes name the same leader.
   *
   * @throws IllegalStateException with the logs' tails when {@code timeout} passes first
   */
  long awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long agreed = -1;
      for (NodeProcess n : nodes) {
        long l = leaderSeenBy(n);
        agreed = (agreed == -1 || agreed == l) ? l : 0;
      }
      if (agreed > 0) {
        return agreed;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "no leader agreed by all three within " + timeout + "\n" + logTails());
      }
      Thread.sleep(50); // poll interval
    }
  }

  String logTails() {
    StringBuilder sb = new StringBuilder();
    for (NodeProcess n : nodes) {
      sb.append("---- ")
          .append(n.log)
          .append(" (pid ")
          .append(n.pid())
          .append(", ")
          .append(n.state())
          .append(")\n")
          .append(n.logTail(15))
          .append('\n');
    }
    return sb.toString();
  }

  /** Kills every node (an interrupt is kept for the caller, after all are dead). */
  @Override
  public void close() {
    boolean interrupted = false;
    for (NodeProcess n : nodes) {
      while (true) {
        try {
          n.kill();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code count} distinct ports in 20000-27999 that can be bound now. */
  private static int[] freePorts(Random random, int count) throws IOException {
    int[] ports = new int[count];
    int found = 0;
    for (int attempt = 0; found < count; attempt++) {
      if (attempt > 1000) {
        throw new IOException("no free ports in 20000-27999");
      }
      int p = 20000 + random.nextInt(8000);
      boolean dup = false;
      for (int i = 0; i < found; i++) {
        dup |= ports[i] == p;
      }
      if (!dup && canBind(p)) {
        ports[found++] = p;
      }
    }
    return ports;
  }

  private static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }
}
