package io.raftj.examples.kv.jepsen;

import io.raftj.examples.kv.KvServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code KvServer} process of the cluster under test, and what the nemesis does to it: SIGKILL,
 * SIGSTOP and SIGCONT, restart with the same command line and data directory. Its output is
 * appended to {@code log}. Thread-safe (the nemesis and the final healing share it).
 */
final class NodeProcess {

  /** What the nemesis left the process in. */
  enum State {
    RUNNING,
    PAUSED,
    DEAD
  }

  final long id;
  final int clientPort;
  final Path log;
  private final List<String> command;
  private Process process;
  private State state = State.DEAD;

  NodeProcess(long id, int clientPort, Path log, List<String> serverArgs) {
    this.id = id;
    this.clientPort = clientPort;
    this.log = log;
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                // Wall-clock times in the logs, to line them up with the nemesis' report.
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                KvServer.class.getName()));
    cmd.addAll(serverArgs);
    this.command = List.copyOf(cmd);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  String base() {
    return "http://127.0.0.1:" + clientPort;
  }

  synchronized State state() {
    return state;
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Starts the process (again); a no-op unless it is dead. */
  synchronized void start() {
    if (state != State.DEAD) {
      return;
    }
    try {
      Files.writeString(
          log,
          "==== start: " + String.join(" ", command.subList(7, command.size())) + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    state = State.RUNNING;
  }

  /** SIGKILL, and waits until the process is gone; a paused process dies as well. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
    state = State.DEAD;
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  synchronized void pause() throws InterruptedException {
    if (state == State.RUNNING) {
      signal("STOP");
      state = State.PAUSED;
    }
  }

  /** SIGCONT. */
  synchronized void resume() throws InterruptedException {
    if (state == State.PAUSED) {
      signal("CONT");
      state = State.RUNNING;
    }
  }

  /** Back to running: resumed if paused, restarted if dead (or if it died by itself). */
  synchronized void heal() throws InterruptedException {
    resume();
    if (state == State.RUNNING && !process.isAlive()) {
      state = State.DEAD;
    }
    start();
  }

  /** Whether the process exited although the nemesis did not kill it. */
  synchronized boolean crashed() {
    return state != State.DEAD && process != null && !process.isAlive();
  }

  private void signal(String sig) throws InterruptedException {
    try {
      Process k =
          new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of the log. */
  String logTail(int lines) {
    try {
      List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
