package io.raftj.examples.kv.jepsen;

import io.raftj.examples.kv.KvServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The flags this build's {@code KvServer} accepts, read once from its {@code --help}, so that
 * optional settings are passed only to a server that knows them.
 */
final class ServerHelp {

  private final String help;

  private ServerHelp(String help) {
    this.help = help;
  }

  /** Runs {@code KvServer --help} with this JVM's class path. */
  static ServerHelp probe() throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder(
                  NodeProcess.java(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  KvServer.class.getName(),
                  "--help")
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("KvServer --help did not exit");
      }
      return new ServerHelp(new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the help text names {@code flag}, e.g. {@code --request-timeout-ms}. */
  boolean supports(String flag) {
    return help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + "=");
  }
}
