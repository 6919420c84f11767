package io.raftj.examples.kv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's command line: {@code --name value} or {@code --name=value}, as listed by {@link
 * #USAGE}. Plays the role of the flags in etcd's raftexample {@code main.go}.
 *
 * @param id this node's id (1-based)
 * @param peers the peer URL of every member this node should know at start, by id
 * @param clientHost the address the HTTP API listens on
 * @param clientPort the HTTP API's port
 * @param dataDir the data directory (WAL and snapshots)
 * @param join whether this node joins a running cluster (it was added with POST /members)
 * @param snapshotEntries applied entries between snapshots
 * @param catchUpEntries entries kept behind a snapshot for slow followers
 * @param snapshotLogRatio a snapshot also waits for this multiple of the last one's size in log
 * @param logMemoryMb the log kept on the heap before a snapshot is taken early, in MiB
 * @param tickMs the Raft tick interval
 * @param electionTicks ticks without a leader before an election
 * @param requestTimeoutMs how long a client request waits for commit and apply
 * @param maxValueBytes the largest value a PUT accepts
 * @param readTimeoutMs how long an HTTP request may take to arrive, from its first byte
 * @param idleTimeoutMs how long an idle HTTP connection stays open
 * @param spinMicros how long an idle Raft thread polls for work before it parks (0: parks at once)
 * @param peerTls the peer certificate files, or null for plaintext between members
 * @param clientTls the client API's certificate files, or null for plaintext HTTP
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
    double snapshotLogRatio,
    long logMemoryMb,
    int tickMs,
    int electionTicks,
    int requestTimeoutMs,
    int maxValueBytes,
    int readTimeoutMs,
    int idleTimeoutMs,
    int spinMicros,
    TlsFiles peerTls,
    TlsFiles clientTls) {

  /**
   * Certificate files, as etcd's flags name them.
   *
   * @param certFile the certificate chain (PEM)
   * @param keyFile its private key (PEM, PKCS#8)
   * @param trustedCaFile the trusted certificate authorities (PEM), or null
   * @param clientCertAuth whether clients must present a certificate from a trusted authority
   */
  record TlsFiles(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth) {}

  static final String USAGE =
      """
      Usage: kv-server --id N --peers URL[,URL...] --client-port PORT [options]

      Runs one node of raftj's replicated key-value store.

        --id N                   this node's id, 1-based (required)
        --peers URLS             the peer URLs of the cluster, comma-separated: either in id order
                                 (the N-th URL is node N's) or as id=URL pairs; each URL is
                                 http://host:port, or https://host:port with peer TLS
                                 (required)
        --client-port PORT       the HTTP API's port on 127.0.0.1 (this or --listen is required)
        --listen HOST:PORT       the HTTP API's address, instead of --client-port
        --data-dir DIR           the data directory (default: raftj-kv-N)
        --join                   join a running cluster (after POST /members on it) instead of
                                 starting a new one
        --snapshot-entries N     take a snapshot every N applied entries (default: 10000)
        --catch-up-entries N     entries kept in the log behind a snapshot (default: 5000)
        --snapshot-log-ratio R   a snapshot also waits until the log since the last one is R
                                 times that one's size, so a large store is not rewritten
                                 every --snapshot-entries; 0 snapshots by count alone
                                 (default: 1)
        --log-memory-mb N        the Raft log kept on the heap, in MiB, beyond which a snapshot
                                 is taken early, whatever the two flags above say; 0 for no
                                 bound (default: 64)
        --tick-ms MS             the Raft tick interval (default: 100)
        --election-ticks N       ticks before a follower campaigns (default: 10)
        --request-timeout-ms MS  how long a request waits for commit and apply (default: 5000)
        --max-value-bytes N      the largest value a PUT accepts (default: 1048576)
        --read-timeout-ms MS     an HTTP request must arrive in full this soon after its
                                 first byte, else the connection is closed (default: 10000)
        --idle-timeout-ms MS     idle HTTP connections are closed after this (default: 60000)
        --spin-us US             an idle Raft thread (loop, storage) polls this long
                                 for its next task, yielding its core, before it parks:
                                 fewer wake-ups between requests (default: 20; 0 parks at once)

      TLS (as etcd names it; without these flags the node runs plaintext and says so):
        --peer-cert-file FILE        this member's peer certificate (PEM); its subject
                                     alternative name must be the URI raftj://server/<id>
        --peer-key-file FILE         its private key (PEM, PKCS#8)
        --peer-trusted-ca-file FILE  the authorities that sign the members' certificates
        --peer-client-cert-auth      members authenticate each other (always on with TLS)
        --cert-file FILE             the client API's certificate (PEM): serve https
        --key-file FILE              its private key (PEM, PKCS#8)
        --trusted-ca-file FILE       the authorities that sign client certificates
        --client-cert-auth           require a client certificate signed by --trusted-ca-file
        --help                   print this help

      Example (node 1 of 3):
        kv-server --id 1 --client-port 12380 \\
          --peers http://127.0.0.1:12379,http://127.0.0.1:12389,http://127.0.0.1:12399
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
    Map<String, Boolean> switches = new TreeMap<>();
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
      if (name.equals("peer-client-cert-auth") || name.equals("client-cert-auth")) {
        switches.put(name, value == null || Boolean.parseBoolean(value));
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
    double logRatio = doubleFlag(values, "snapshot-log-ratio", 1.0, 0, 1_000);
    long logMemoryMb = longFlag(values, "log-memory-mb", 64, 0, 1L << 20);
    int tickMs = (int) longFlag(values, "tick-ms", 100, 1, 60_000);
    int electionTicks = (int) longFlag(values, "election-ticks", 10, 2, 10_000);
    int timeout = (int) longFlag(values, "request-timeout-ms", 5_000, 1, 3_600_000);
    int maxValue = (int) longFlag(values, "max-value-bytes", 1 << 20, 0, 64 << 20);
    int readTimeout = (int) longFlag(values, "read-timeout-ms", 10_000, 1, 3_600_000);
    int idleTimeout = (int) longFlag(values, "idle-timeout-ms", 60_000, 1, 86_400_000);
    int spinMicros = (int) longFlag(values, "spin-us", 20, 0, 1_000_000);
    TlsFiles peerTls =
        tlsFiles(values, "peer-", switches.getOrDefault("peer-client-cert-auth", true));
    if (peerTls == null && switches.containsKey("peer-client-cert-auth")) {
      throw new FlagException(
          "--peer-client-cert-auth needs --peer-cert-file, --peer-key-file"
              + " and --peer-trusted-ca-file");
    }
    if (peerTls != null) {
      if (!peerTls.clientCertAuth()) {
        throw new FlagException(
            "--peer-client-cert-auth=false is not supported: with TLS, members"
                + " always authenticate each other by certificate");
      }
      if (peerTls.trustedCaFile() == null) {
        throw new FlagException(
            "--peer-cert-file needs --peer-trusted-ca-file (the authority that"
                + " signs the members' certificates)");
      }
    }
    boolean clientAuth = switches.getOrDefault("client-cert-auth", false);
    TlsFiles clientTls = tlsFiles(values, "", clientAuth);
    if (clientAuth && (clientTls == null || clientTls.trustedCaFile() == null)) {
      throw new FlagException(
          "--client-cert-auth needs --cert-file, --key-file and --trusted-ca-file");
    }
    for (PeerUrl u : peers.values()) {
      if (u.tls() != (peerTls != null)) {
        throw new FlagException(
            "peer URL "
                + u
                + (peerTls != null
                    ? " is http://, but peer TLS is on: use https://"
                    : " is https://, but no --peer-cert-file is given"));
      }
    }
    return new ServerFlags(
        id,
        peers,
        host,
        port,
        dataDir,
        join,
        snapshotEntries,
        catchUp,
        logRatio,
        logMemoryMb,
        tickMs,
        electionTicks,
        timeout,
        maxValue,
        readTimeout,
        idleTimeout,
        spinMicros,
        peerTls,
        clientTls);
  }

  /** The files of {@code prefix}cert-file etc., or null when none is given. */
  private static TlsFiles tlsFiles(
      Map<String, String> values, String prefix, boolean clientCertAuth) throws FlagException {
    String cert = values.get(prefix + "cert-file");
    String key = values.get(prefix + "key-file");
    String ca = values.get(prefix + "trusted-ca-file");
    if (cert == null && key == null) {
      if (ca != null) {
        throw new FlagException(
            "--"
                + prefix
                + "trusted-ca-file needs --"
                + prefix
                + "cert-file and --"
                + prefix
                + "key-file");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new FlagException("--" + prefix + "cert-file and --" + prefix + "key-file go together");
    }
    return new TlsFiles(
        Path.of(cert), Path.of(key), ca == null ? null : Path.of(ca), clientCertAuth);
  }

  /** The scheme of this node's client URL. */
  String clientScheme() {
    return clientTls == null ? "http" : "https";
  }

  private static final List<String> KNOWN =
      List.of(
          "id",
          "peers",
          "client-port",
          "listen",
          "data-dir",
          "snapshot-entries",
          "catch-up-entries",
          "snapshot-log-ratio",
          "log-memory-mb",
          "tick-ms",
          "election-ticks",
          "request-timeout-ms",
          "max-value-bytes",
          "read-timeout-ms",
          "idle-timeout-ms",
          "spin-us",
          "peer-cert-file",
          "peer-key-file",
          "peer-trusted-ca-file",
          "cert-file",
          "key-file",
          "trusted-ca-file");

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

  private static long longFlag(
      Map<String, String> values, String name, long dflt, long min, long max) throws FlagException {
    String v = values.get(name);
    return v == null ? dflt : parseLong(name, v, min, max);
  }

  private static double doubleFlag(
      Map<String, String> values, String name, double dflt, double min, double max)
      throws FlagException {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new FlagException("--" + name + " wants a number, got \"" + v + "\"");
    }
    if (!(d >= min && d <= max)) {
      throw new FlagException("--" + name + " must be between " + min + " and " + max + ": " + v);
    }
    return d;
  }

  private static long parseLong(String name, String v, long min, long max) throws FlagException {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new FlagException("--" + name + " wants a number, got \"" + v + "\"");
    }
    if (n < min || n > max) {
      throw new FlagException(
          "--" + name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }
}
