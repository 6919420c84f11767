package io.raftj.examples.kv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of one key-value store member: parses the flags, opens the data directory, binds
 * the peer and client ports, and runs until SIGINT/SIGTERM. Plays the role of etcd's raftexample
 * {@code main.go}. Exit codes: 0 after a clean stop, 2 for a bad command line, 1 when the node
 * cannot start (port in use, data directory unreadable, locked or corrupted, TLS files unusable).
 */
public final class KvServer {

  private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);

  private KvServer() {}

  public static void main(String[] args) {
    ServerFlags flags;
    try {
      flags = ServerFlags.parse(args);
    } catch (ServerFlags.HelpRequested h) {
      System.out.print(ServerFlags.USAGE);
      return;
    } catch (ServerFlags.FlagException e) {
      System.err.println("kv-server: " + e.getMessage());
      System.err.println("Run with --help for usage.");
      System.exit(2);
      return;
    }
    Running r;
    try {
      r = start(flags);
    } catch (StartFailure e) {
      System.err.println("kv-server: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("node {} stopping", flags.id());
                  r.close();
                  stopped.countDown();
                },
                "kv-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A node that could not start; the message says why. */
  static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String message) {
      super(message);
    }
  }

  /** A started member: its node and client API. */
  record Running(KvNode node, HttpFront http, RemovalWatch watch) implements AutoCloseable {
    @Override
    public void close() {
      watch.close();
      http.close();
      node.close();
    }
  }

  /** Starts a member: transport, data directory, group, client API. */
  static Running start(ServerFlags flags) throws StartFailure {
    String host = flags.clientHost();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = flags.peers().get(flags.id()).host();
    }
    String clientUrl = flags.clientScheme() + "://" + host + ":" + flags.clientPort();
    KvNode node;
    try {
      node = KvNode.open(flags, clientUrl);
    } catch (UncheckedIOException e) {
      throw new StartFailure(
          "cannot listen for peers on "
              + flags.peers().get(flags.id())
              + ": "
              + rootMessage(e)
              + " (is another node using that port?)");
    } catch (AccessDeniedException e) {
      throw new StartFailure(
          "cannot use data directory " + flags.dataDir() + ": permission denied on " + e.getFile());
    } catch (IOException | RuntimeException e) {
      throw new StartFailure(
          "cannot open data directory " + flags.dataDir() + " or the TLS files: " + e);
    }
    HttpFront http;
    LeaderProxy proxy;
    try {
      ServerFlags.TlsFiles tls = flags.clientTls();
      proxy =
          new LeaderProxy(
              flags.id(),
              Duration.ofMillis(flags.requestTimeoutMs() + 1_000L),
              tls == null ? null : HttpFront.forwardingTls(tls));
      ClientApi api = new ClientApi(node, proxy);
      if (tls == null) {
        LOG.warn(
            "PLAINTEXT CLIENT API: node {} serves clients over http without TLS; use --cert-file and"
                + " --key-file (and --client-cert-auth with --trusted-ca-file) in production",
            flags.id());
      }
      http =
          new HttpFront(
              new InetSocketAddress(flags.clientHost(), flags.clientPort()),
              tls == null ? null : HttpFront.tlsContext(tls),
              new HttpFront.Limits(
                  16 << 10,
                  16 << 10,
                  flags.maxValueBytes(),
                  Duration.ofMillis(flags.readTimeoutMs()),
                  Duration.ofMillis(flags.idleTimeoutMs())),
              api::handle);
    } catch (IOException e) {
      node.close();
      throw new StartFailure(
          "cannot listen for clients on "
              + flags.clientHost()
              + ":"
              + flags.clientPort()
              + ": "
              + e.getMessage()
              + (e instanceof BindException ? " (is another process using that port?)" : ""));
    }
    LOG.info(
        "node {} serving clients on {} and peers on {}",
        flags.id(),
        clientUrl,
        flags.peers().get(flags.id()));
    return new Running(
        node,
        http,
        new RemovalWatch(
            node,
            proxy.client(),
            Duration.ofMillis((long) flags.tickMs() * flags.electionTicks())));
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
