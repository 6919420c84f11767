package io.raftj.examples.kv.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/kv-cluster} run as a user runs it, against the classes of this build: busy ports and a
 * node that cannot start make it exit non-zero with a clear message; a good start confirms all
 * three nodes and Ctrl-C (SIGTERM) stops them all.
 */
@Tag("slow") // starts server processes
final class KvClusterScriptTest {

  private static final Path SCRIPT =
      Path.of("").toAbsolutePath().getParent().resolve("bin/kv-cluster");

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void portInUse_exitsNonZeroNamingItAndStartsNothing() throws Exception {
    int base = freeBase();
    try (ServerSocket taken = new ServerSocket(base + 11, 1, InetAddress.getLoopbackAddress())) {
      assertThat(taken.isBound()).isTrue();
      Process p =
          start("--base-port", Integer.toString(base), "--data", dir.resolve("data").toString());
      assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
      String out = output();
      assertThat(p.exitValue()).as(out).isEqualTo(1);
      assertThat(out)
          .contains(
              "ports in use, not starting", (base + 11) + " (node 2's client port)", "--base-port");
      assertThat(dir.resolve("data/node1.log")).doesNotExist();
    }
  }

  @Test
  @Timeout(90)
  void nodeThatCannotStart_printsItsLogTailAndExitsNonZero() throws Exception {
    Process p =
        start(
            "--base-port",
            Integer.toString(freeBase()),
            "--data",
            dir.resolve("data").toString(),
            "--",
            "--no-such-flag");
    assertThat(p.waitFor(80, TimeUnit.SECONDS)).isTrue();
    String out = output();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out)
        .containsPattern(
            "node \\d \\(pid \\d+\\) exited while starting; the end of .*node\\d\\.log:")
        .contains("unknown flag --no-such-flag");
  }

  @Test
  @Timeout(60)
  void badBasePort_isRefused() throws Exception {
    Process p = start("--base-port", "70000", "--data", dir.resolve("data").toString());
    assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(output()).contains("--base-port must be between 1024 and 65514, got 70000");
  }

  @Test
  @Timeout(150)
  void goodStart_confirmsAllThree_andSigtermStopsThemAll() throws Exception {
    int base = freeBase();
    Process p =
        start("--base-port", Integer.toString(base), "--data", dir.resolve("data").toString());
    String out = awaitOutput(p, "Press Ctrl-C to stop all three.", Duration.ofSeconds(120));
    assertThat(out).doesNotContain("\u001b"); // plain text, no escape codes
    Matcher m =
        Pattern.compile("nodes 1, 2, 3 \\(pids (\\d+) (\\d+) (\\d+)\\), leader is node ([123])\\.")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    List<ProcessHandle> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(ProcessHandle.of(Long.parseLong(m.group(i))).orElseThrow());
    }
    HttpClient http = HttpClient.newHttpClient();
    String scheme = out.contains("Clients: https") ? "https" : "http";
    if (scheme.equals("http")) { // the client API is plain HTTP unless --client-tls
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 1) + "/kv/a"))
                  .PUT(HttpRequest.BodyPublishers.ofString("1"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 21) + "/kv/a"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.body()).isEqualTo("1");
    }
    p.destroy(); // SIGTERM, as Ctrl-C's SIGINT
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    for (ProcessHandle n : nodes) {
      n.onExit().get(30, TimeUnit.SECONDS);
      assertThat(n.isAlive()).isFalse();
    }
    assertThat(output()).contains("Stopped. Data is kept in");
  }

  private Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile());
    pb.environment().put("RAFTJ_KV_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  private String output() throws IOException {
    Path out = dir.resolve("out.txt");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  /**
   * Polls the script's output for {@code line}; fails with the output if it exits or the time
   * passes.
   */
  private String awaitOutput(Process p, String line, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String out = output();
      if (out.contains(line)) {
        return out;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroy();
        throw new AssertionError(
            "no \"" + line + "\" from bin/kv-cluster (exited: " + !p.isAlive() + "):\n" + out);
      }
      Thread.sleep(100); // poll interval
    }
  }

  /** A base port whose six ports are free, below the ephemeral range. */
  private static int freeBase() {
    Random r = new Random();
    while (true) {
      int base = 20000 + 10 * r.nextInt(790);
      boolean free = true;
      for (int i = 0; i < 3 && free; i++) {
        free = canBind(base + 10 * i) && canBind(base + 10 * i + 1);
      }
      if (free) {
        return base;
      }
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }
}
