package io.raftj.examples.kv;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of one key-value store member: parses the flags, opens the data directory,
 * binds the peer and client ports, and runs until SIGINT/SIGTERM. Plays the role of etcd's
 * raftexample {@code main.go}. Exit codes: 0 after a clean stop, 2 for a bad command line, 1 when
 * the node cannot start (port in use, data directory unreadable, locked or corrupted).
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
    int code = run(flags);
    if (code != 0) {
      System.exit(code);
    }
  }

  private static int run(ServerFlags flags) {
    KvNode node;
    try {
      node = KvNode.open(flags);
    } catch (BindException e) {
      return fail("cannot listen for peers on " + flags.peers().get(flags.id()) + ": " + e.getMessage()
          + " (is another node using that port?)");
    } catch (AccessDeniedException e) {
      return fail("cannot use data directory " + flags.dataDir() + ": permission denied on " + e.getFile());
    } catch (IOException | RuntimeException e) {
      return fail("cannot open data directory " + flags.dataDir() + ": " + e);
    }
    ClientApi api;
    InetSocketAddress clientAddress = new InetSocketAddress(flags.clientHost(), flags.clientPort());
    try {
      api = new ClientApi(node, clientAddress);
    } catch (IOException e) {
      closeQuietly(node);
      return fail("cannot listen for clients on " + flags.clientHost() + ":" + flags.clientPort() + ": "
          + e.getMessage() + (e instanceof BindException ? " (is another process using that port?)" : ""));
    }
    node.start();
    api.start();
    LOG.info("node {} serving clients on http://{}:{} and peers on {}", flags.id(), flags.clientHost(),
        flags.clientPort(), flags.peers().get(flags.id()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("node {} stopping", flags.id());
      api.close();
      closeQuietly(node);
      stopped.countDown();
    }, "kv-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static int fail(String message) {
    System.err.println("kv-server: " + message);
    return 1;
  }

  private static void closeQuietly(KvNode node) {
    try {
      node.close();
    } catch (IOException e) {
      LOG.warn("closing the node failed: {}", e.toString());
    }
  }
}
