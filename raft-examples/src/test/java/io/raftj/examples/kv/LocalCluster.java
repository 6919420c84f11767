package io.raftj.examples.kv;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link KvServer} members on free loopback ports, each with its own data directory under {@code
 * root}: real processes started with this JVM's class path (for SIGKILL), or members in this JVM
 * ({@link #inProcess}) talking real gRPC and HTTP on loopback; plus an HTTP client and polling
 * helpers.
 */
// close() waits for the node processes to exit, so it may be interrupted: tests declare it.
@SuppressWarnings("try")
final class LocalCluster implements AutoCloseable {

  /** One server process and its addresses. */
  static final class Member {
    final long id;
    final int clientPort;
    final int peerPort;
    final Path dataDir;
    final Path log;
    Process process;
    KvServer.Running running;
    String scheme = "http";

    Member(long id, int clientPort, int peerPort, Path dataDir, Path log) {
      this.id = id;
      this.clientPort = clientPort;
      this.peerPort = peerPort;
      this.dataDir = dataDir;
      this.log = log;
    }

    String peerUrl() {
      return peerScheme + "://127.0.0.1:" + peerPort;
    }

    String base() {
      return scheme + "://127.0.0.1:" + clientPort;
    }

    String peerScheme = "http";
  }

  private final Path root;
  private final List<String> extraArgs;
  private final Map<Long, Member> members = new TreeMap<>();
  private final boolean inProcess;
  private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private java.util.function.LongFunction<List<String>> perNode = id -> List.of();
  private String clientScheme = "http";
  private String peerScheme = "http";

  LocalCluster(Path root, List<String> extraArgs) {
    this(root, extraArgs, false);
  }

  private LocalCluster(Path root, List<String> extraArgs, boolean inProcess) {
    this.root = root;
    this.extraArgs = extraArgs;
    this.inProcess = inProcess;
  }

  /** A cluster whose members run in this JVM. */
  static LocalCluster inProcess(Path root, List<String> extraArgs) {
    return new LocalCluster(root, extraArgs, true);
  }

  /**
   * TLS: {@code perNode} gives each member's certificate flags, {@code client} is the test's client
   * context; URLs become https.
   */
  LocalCluster tls(
      java.util.function.LongFunction<List<String>> perNode,
      javax.net.ssl.SSLContext client,
      boolean peers,
      boolean clients) {
    this.perNode = perNode;
    this.peerScheme = peers ? "https" : "http";
    this.clientScheme = clients ? "https" : "http";
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .sslContext(client)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    return this;
  }

  /** Allocates ports and directories for a member (not started). */
  Member define(long id) {
    Member m =
        new Member(
            id,
            freePort(),
            freePort(),
            root.resolve("node" + id),
            root.resolve("node" + id + ".log"));
    m.scheme = clientScheme;
    m.peerScheme = peerScheme;
    members.put(id, m);
    return m;
  }

  /** The member's node, when it runs in this JVM. */
  KvNode node(long id) {
    return members.get(id).running.node();
  }

  Member member(long id) {
    return members.get(id);
  }

  String peersFlag() {
    StringBuilder sb = new StringBuilder();
    for (Member m : members.values()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(m.id).append('=').append(m.peerUrl());
    }
    return sb.toString();
  }

  /** Starts (or restarts) member {@code id}'s process. */
  void start(long id, String... more) {
    Member m = members.get(id);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--id", Long.toString(id),
                "--peers", peersFlag(),
                "--client-port", Integer.toString(m.clientPort),
                "--data-dir", m.dataDir.toString()));
    args.addAll(extraArgs);
    args.addAll(perNode.apply(id));
    args.addAll(List.of(more));
    if (inProcess) {
      try {
        m.running = KvServer.start(ServerFlags.parse(args.toArray(String[]::new)));
      } catch (Exception e) {
        throw new IllegalStateException("node " + id + " did not start: " + e.getMessage(), e);
      }
      return;
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx256m",
                KvServer.class.getName()));
    cmd.addAll(args);
    try {
      m.process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills member {@code id} with SIGKILL and waits for it to be gone. */
  void kill9(long id) throws InterruptedException {
    Member m = members.get(id);
    if (m.running != null) {
      m.running.close();
      m.running = null;
      return;
    }
    Process p = m.process;
    p.destroyForcibly();
    p.waitFor();
  }

  /** Runs a server to completion with {@code args} (for the command-line error cases). */
  static Result runToExit(Path log, String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KvServer.class.getName()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("server did not exit: " + String.join(" ", args));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  @Override
  public void close() throws InterruptedException {
    for (Member m : members.values()) {
      if (m.running != null) {
        m.running.close();
        m.running = null;
      }
    }
    for (Member m : members.values()) {
      if (m.process != null) {
        m.process.destroyForcibly();
      }
    }
    for (Member m : members.values()) {
      if (m.process != null) {
        m.process.waitFor();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  /** A response: status code and body. */
  record Result(int code, String body) {}

  Result call(long id, String method, String pathAndQuery, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(members.get(id).base() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Result(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  Result get(long id, String path) {
    return call(id, "GET", path, null);
  }

  Result put(long id, String key, String value) {
    return call(id, "PUT", "/kv/" + key, value);
  }

  /** A number field of a JSON answer, or -1. */
  static long jsonLong(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The leader member {@code id} knows of, or 0. */
  long leaderSeenBy(long id) {
    Result r = get(id, "/status");
    return r.code() == 200 ? jsonLong(r.body(), "leader") : 0;
  }

  /**
   * Polls {@code probe} until it returns non-null, up to {@code timeout}.
   *
   * @throws AssertionError naming {@code what} and the log tails when the deadline passes
   */
  <T> T await(String what, Duration timeout, Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "\n" + logTails());
      }
      Thread.sleep(25); // poll interval
    }
  }

  /** Waits until every started, running member in {@code ids} agrees on one leader among them. */
  long awaitLeader(Duration timeout, long... ids) throws InterruptedException {
    return await(
        "a leader agreed by " + java.util.Arrays.toString(ids),
        timeout,
        () -> {
          long lead = -1;
          for (long id : ids) {
            long l = leaderSeenBy(id);
            if (l <= 0 || (lead != -1 && l != lead)) {
              return null;
            }
            lead = l;
          }
          for (long id : ids) {
            if (id == lead) {
              return lead;
            }
          }
          return null;
        });
  }

  String logTails() {
    StringBuilder sb = new StringBuilder();
    for (Member m : members.values()) {
      try {
        if (Files.exists(m.log)) {
          List<String> lines = Files.readAllLines(m.log);
          sb.append("---- ").append(m.log.getFileName()).append(File.separator).append('\n');
          for (String l : lines.subList(Math.max(0, lines.size() - 15), lines.size())) {
            sb.append(l).append('\n');
          }
        }
      } catch (IOException e) {
        sb.append(e).append('\n');
      }
    }
    return sb.toString();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
