package io.raftj.examples.kv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's command line: {@code --name value} or {@code --name=value}, as listed by
 * {@link #USAGE}. Plays the role of the flags in etcd's raftexample {@code main.go}.
 *
 * @param id this node's id (1-based)
 * @param peers the peer URL of every member this node should know at start, by id
 * @param clientHost the address the HTTP API listens on
 * @param clientPort the HTTP API's port
 * @param dataDir the data directory (WAL and snapshots)
 * @param join whether this node joins a running cluster (it was added with POST /members)
 * @param snapshotEntries applied entries between snapshots
 * @param catchUpEntries entries kept behind a snapshot for slow followers
 * @param tickMs the Raft tick interval
 * @param electionTicks ticks without a leader before an election
 * @param requestTimeoutMs how long a client request waits for commit and apply
 * @param maxValueBytes the largest value a PUT accepts
 */
record ServerFlags(
    long id,
    Map<Long, PeerUrl> peers,
    String clientHost,
    int clientPort,
    Path dataDir,
    boolean join,
    long snapshotEntries,
    long catchUpEntries,
    int tickMs,
    int electionTicks,
    int requestTimeoutMs,
    int maxValueBytes) {

  static final String USAGE = """
      Usage: kv-server --id N --peers URL[,URL...] --client-port PORT [options]

      Runs one node of raftj's replicated key-value store.

        --id N                   this node's id, 1-based (required)
        --peers URLS             the peer URLs of the cluster, comma-separated: either in id order
                                 (the N-th URL is node N's) or as id=URL pairs; each URL is
                                 http://host:port (required)
        --client-port PORT       the HTTP API's port on 127.0.0.1 (this or --listen is required)
        --listen HOST:PORT       the HTTP API's address, instead of --client-port
        --data-dir DIR           the data directory (default: raftj-kv-N)
        --join                   join a running cluster (after POST /members on it) instead of
                                 starting a new one
        --snapshot-entries N     take a snapshot every N applied entries (default: 10000)
        --catch-up-entries N     entries kept in the log behind a snapshot (default: 5000)
        --tick-ms MS             the Raft tick interval (default: 100)
        --election-ticks N       ticks before a follower campaigns (default: 10)
        --request-timeout-ms MS  how long a request waits for commit and apply (default: 5000)
        --max-value-bytes N      the largest value a PUT accepts (default: 1048576)
        --help                   print this help

      Example (node 1 of 3):
        kv-server --id 1 --client-port 12380 \\
          --peers http://127.0.0.1:12379,http://127.0.0.1:22379,http://127.0.0.1:32379
      """;

  /** A bad command line; the message says what is wrong. */
  static final class FlagException extends Exception {
    private static final long serialVersionUID = 1L;

    FlagException(String message) {
      super(message);
    }
  }

  /** Thrown by {@link #parse} for {@code --help}. */
  static final class HelpRequested extends Exception {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help");
    }
  }

  /** Parses the command line. */
  static ServerFlags parse(String[] args) throws FlagException, HelpRequested {
    Map<String, String> values = new TreeMap<>();
    boolean join = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        throw new HelpRequested();
      }
      if (!a.startsWith("--")) {
        throw new FlagException("unexpected argument \"" + a + "\"");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (name.equals("join")) {
        join = value == null || Boolean.parseBoolean(value);
        continue;
      }
      if (!KNOWN.contains(name)) {
        throw new FlagException("unknown flag --" + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new FlagException("flag --" + name + " needs a value");
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    long id = longFlag(values, "id", -1, 1, Long.MAX_VALUE);
    if (id < 0) {
      throw new FlagException("missing --id");
    }
    String peersText = values.get("peers");
    if (peersText == null) {
      throw new FlagException("missing --peers");
    }
    Map<Long, PeerUrl> peers = parsePeers(peersText);
    if (!peers.containsKey(id)) {
      throw new FlagException("--peers has no URL for node " + id + " (--id)");
    }
    String host = "127.0.0.1";
    int port;
    if (values.containsKey("listen")) {
      String l = values.get("listen");
      int colon = l.lastIndexOf(':');
      if (colon <= 0) {
        throw new FlagException("--listen wants HOST:PORT, got \"" + l + "\"");
      }
      host = l.substring(0, colon);
      port = (int) parseLong("listen", l.substring(colon + 1), 1, 65535);
    } else if (values.containsKey("client-port")) {
      port = (int) longFlag(values, "client-port", -1, 1, 65535);
    } else {
      throw new FlagException("missing --client-port (or --listen)");
    }
    Path dataDir = Path.of(values.getOrDefault("data-dir", "raftj-kv-" + id));
    long snapshotEntries = longFlag(values, "snapshot-entries", 10_000, 1, Long.MAX_VALUE);
    long catchUp = longFlag(values, "catch-up-entries", 5_000, 0, Long.MAX_VALUE);
    int tickMs = (int) longFlag(values, "tick-ms", 100, 1, 60_000);
    int electionTicks = (int) longFlag(values, "election-ticks", 10, 2, 10_000);
    int timeout = (int) longFlag(values, "request-timeout-ms", 5_000, 1, 3_600_000);
    int maxValue = (int) longFlag(values, "max-value-bytes", 1 << 20, 0, 64 << 20);
    return new ServerFlags(id, peers, host, port, dataDir, join, snapshotEntries, catchUp, tickMs,
        electionTicks, timeout, maxValue);
  }

  private static final List<String> KNOWN = List.of("id", "peers", "client-port", "listen",
      "data-dir", "snapshot-entries", "catch-up-entries", "tick-ms", "election-ticks",
      "request-timeout-ms", "max-value-bytes");

  /** Parses {@code url,url,...} (ids 1..n) or {@code id=url,...}. */
  static Map<Long, PeerUrl> parsePeers(String text) throws FlagException {
    Map<Long, PeerUrl> peers = new TreeMap<>(Long::compareUnsigned);
    List<String> parts = new ArrayList<>(List.of(text.split(",")));
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i).trim();
      long id = i + 1;
      int eq = p.indexOf('=');
      if (eq > 0 && !p.substring(0, eq).contains(":")) {
        id = parseLong("peers", p.substring(0, eq), 1, Long.MAX_VALUE);
        p = p.substring(eq + 1);
      }
      try {
        if (peers.put(id, PeerUrl.parse(p)) != null) {
          throw new FlagException("--peers names node " + id + " twice");
        }
      } catch (IllegalArgumentException e) {
        throw new FlagException("--peers: " + e.getMessage());
      }
    }
    return peers;
  }

  private static long longFlag(Map<String, String> values, String name, long dflt, long min, long max)
      throws FlagException {
    String v = values.get(name);
    return v == null ? dflt : parseLong(name, v, min, max);
  }

  private static long parseLong(String name, String v, long min, long max) throws FlagException {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new FlagException("--" + name + " wants a number, got \"" + v + "\"");
    }
    if (n < min || n > max) {
      throw new FlagException("--" + name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }
}
