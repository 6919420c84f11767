package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.raftj.raft.Status;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.ConfState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client HTTP API of one member, on the JDK's HTTP server. Plays the role of
 * {@code httpKVAPI} in etcd's raftexample {@code httpapi.go}, with answers that mean something:
 *
 * <ul>
 *   <li>{@code PUT /kv/{key}} (body = value) and {@code DELETE /kv/{key}} answer 200 once the
 *       write is committed and applied on this member; any member accepts them (a follower's
 *       proposal is forwarded to the leader by Raft). 503 if that does not happen in time.
 *   <li>{@code GET /kv/{key}} is linearizable (ReadIndex) unless {@code ?serializable=true};
 *       {@code GET /kv?from=A&to=B} lists {@code [A, B)} as JSON (empty {@code to}: the key A).
 *   <li>{@code GET /members}, {@code POST /members?id=N&url=URL[&learner=true]},
 *       {@code DELETE /members/{id}}, {@code POST /members/{id}/promote}, {@code POST /leader?id=N}.
 *   <li>{@code GET /status}: id, role, term, leader, commit, applied, start time and counters as
 *       JSON, in the spirit of etcd's {@code /v2/stats/self}.
 * </ul>
 */
final class ClientApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClientApi.class);
  static final int MAX_KEY_BYTES = 1024;
  static final int MAX_RANGE = 10_000;

  private final KvNode node;
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds the client address.
   *
   * @throws IOException if it cannot be bound (a port in use is a {@link java.net.BindException})
   */
  ClientApi(KvNode node, InetSocketAddress address) throws IOException {
    this.node = node;
    // Without TCP_NODELAY, the server's separate header and body writes meet the client's delayed
    // ACK and each answer waits ~40 ms. The JDK server reads this property when it starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.server = HttpServer.create(address, 256);
    this.executor = Executors.newFixedThreadPool(128, r -> {
      Thread t = new Thread(r, "kv-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  void start() {
    server.start();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An answer other than success: the status code and a message for the client. */
  private static final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    HttpError(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      try {
        route(ex);
      } catch (HttpError e) {
        sendText(ex, e.code, e.getMessage());
      } catch (KvNode.RequestTimeoutException e) {
        sendText(ex, 503, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        sendText(ex, 503, "server shutting down");
      } catch (RuntimeException e) {
        LOG.warn("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        sendText(ex, 500, "internal error: " + e);
      }
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    }
  }

  private void route(HttpExchange ex) throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    Map<String, String> query = parseQuery(ex.getRequestURI().getRawQuery());
    if (path.equals("/kv") || path.equals("/kv/")) {
      if (!method.equals("GET")) {
        throw new HttpError(400, "missing key: use " + method + " /kv/{key}");
      }
      range(ex, query);
    } else if (path.startsWith("/kv/")) {
      String key = URLDecoder.decode(path.substring(4), StandardCharsets.UTF_8);
      checkKey(key);
      switch (method) {
        case "PUT", "POST" -> put(ex, key);
        case "GET" -> get(ex, key, query);
        case "DELETE" -> {
          long index = node.delete(key);
          sendJson(ex, 200, new Json().beginObject().field("deleted", key).field("index", index).endObject());
        }
        default -> throw new HttpError(405, "method " + method + " not allowed on /kv/{key}");
      }
    } else if (path.equals("/members") || path.equals("/members/")) {
      switch (method) {
        case "GET" -> sendJson(ex, 200, membersJson());
        case "POST" -> addMember(ex, query);
        default -> throw new HttpError(405, "method " + method + " not allowed on /members");
      }
    } else if (path.startsWith("/members/")) {
      String rest = path.substring("/members/".length());
      boolean promote = rest.endsWith("/promote");
      long id = parseId(promote ? rest.substring(0, rest.length() - "/promote".length()) : rest);
      if (promote && method.equals("POST")) {
        promote(ex, id);
      } else if (!promote && method.equals("DELETE")) {
        removeMember(ex, id);
      } else {
        throw new HttpError(405, "use DELETE /members/{id} or POST /members/{id}/promote");
      }
    } else if (path.equals("/leader")) {
      if (!method.equals("POST")) {
        throw new HttpError(405, "use POST /leader?id=N to transfer leadership");
      }
      transferLeader(ex, query);
    } else if (path.equals("/status")) {
      sendJson(ex, 200, statusJson());
    } else {
      throw new HttpError(404, "no such endpoint " + path
          + "; try /kv/{key}, /kv?from=A&to=B, /members, /leader, /status");
    }
  }

  private static void checkKey(String key) throws HttpError {
    if (key.isEmpty()) {
      throw new HttpError(400, "missing key: use /kv/{key}");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new HttpError(400, "key too long: at most " + MAX_KEY_BYTES + " bytes");
    }
  }

  private void put(HttpExchange ex, String key)
      throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    int max = node.flags().maxValueBytes();
    String lengthHeader = ex.getRequestHeaders().getFirst("Content-Length");
    if (lengthHeader != null) {
      long declared;
      try {
        declared = Long.parseLong(lengthHeader.trim());
      } catch (NumberFormatException e) {
        throw new HttpError(400, "bad Content-Length \"" + lengthHeader + "\"");
      }
      if (declared > max) {
        drain(ex.getRequestBody());
        throw new HttpError(413, "value too large: " + declared + " bytes, at most " + max);
      }
    }
    ByteString value = readBody(ex.getRequestBody(), max);
    long index = node.put(key, value);
    sendJson(ex, 200, new Json().beginObject().field("key", key).field("index", index).endObject());
  }

  private static ByteString readBody(InputStream in, int max) throws IOException, HttpError {
    byte[] b = in.readNBytes(max + 1);
    if (b.length > max) {
      drain(in);
      throw new HttpError(413, "value too large: more than " + max + " bytes");
    }
    return ByteString.copyFrom(b);
  }

  /**
   * Reads and discards what is left of a rejected body (up to a bound), so the client, still
   * sending, reads the error instead of a reset connection.
   */
  private static void drain(InputStream in) throws IOException {
    long left = 64L << 20;
    byte[] buf = new byte[64 << 10];
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }

  private void get(HttpExchange ex, String key, Map<String, String> query)
      throws IOException, KvNode.RequestTimeoutException, InterruptedException, HttpError {
    readBarrier(query);
    ByteString v = node.store().get(key);
    if (v == null) {
      throw new HttpError(404, "key not found: " + key);
    }
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    send(ex, 200, v.toByteArray());
  }

  private void range(HttpExchange ex, Map<String, String> query)
      throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    String from = query.get("from");
    if (from == null || from.isEmpty()) {
      throw new HttpError(400, "missing key: use GET /kv/{key} or GET /kv?from=A&to=B");
    }
    readBarrier(query);
    List<Map.Entry<String, ByteString>> kvs = node.store().range(from, query.get("to"), MAX_RANGE);
    Json j = new Json().beginObject().beginArray("kvs");
    for (Map.Entry<String, ByteString> e : kvs) {
      j.beginObject().field("key", e.getKey()).field("value", e.getValue().toStringUtf8()).endObject();
    }
    j.endArray().field("count", kvs.size()).endObject();
    sendJson(ex, 200, j);
  }

  private void readBarrier(Map<String, String> query)
      throws KvNode.RequestTimeoutException, InterruptedException {
    if (!"true".equalsIgnoreCase(query.get("serializable"))) {
      node.linearizableRead();
    }
  }

  private void addMember(HttpExchange ex, Map<String, String> query)
      throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    long id = requireId(query, "POST /members?id=N&url=http://host:port[&learner=true]");
    String url = query.get("url");
    if (url == null || url.isEmpty()) {
      url = new String(ex.getRequestBody().readNBytes(4096), StandardCharsets.UTF_8).trim();
    }
    try {
      url = PeerUrl.parse(url).text();
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    if (node.store().memberUrl(id) != null) {
      throw new HttpError(409, "member " + Long.toUnsignedString(id) + " already exists");
    }
    boolean learner = "true".equalsIgnoreCase(query.get("learner"));
    long index = node.changeMembership(
        learner ? ConfChangeType.ConfChangeAddLearnerNode : ConfChangeType.ConfChangeAddNode, id, url);
    sendJson(ex, 201, new Json().beginObject().fieldUnsigned("id", id).field("peerURL", url)
        .field("role", learner ? "learner" : "voter").field("index", index).endObject());
  }

  private void removeMember(HttpExchange ex, long id)
      throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    if (node.store().memberUrl(id) == null) {
      throw new HttpError(404, "no member " + Long.toUnsignedString(id));
    }
    long index = node.changeMembership(ConfChangeType.ConfChangeRemoveNode, id, null);
    sendJson(ex, 200, new Json().beginObject().fieldUnsigned("removed", id).field("index", index).endObject());
  }

  private void promote(HttpExchange ex, long id)
      throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    String url = node.store().memberUrl(id);
    if (url == null) {
      throw new HttpError(404, "no member " + Long.toUnsignedString(id));
    }
    if (!node.confState().getLearnersList().contains(id)) {
      throw new HttpError(409, "member " + Long.toUnsignedString(id) + " is not a learner");
    }
    long index = node.changeMembership(ConfChangeType.ConfChangeAddNode, id, url);
    sendJson(ex, 200, new Json().beginObject().fieldUnsigned("promoted", id).field("index", index).endObject());
  }

  private void transferLeader(HttpExchange ex, Map<String, String> query)
      throws IOException, HttpError, KvNode.RequestTimeoutException, InterruptedException {
    long id = requireId(query, "POST /leader?id=N");
    if (!node.confState().getVotersList().contains(id)) {
      throw new HttpError(400, "node " + Long.toUnsignedString(id) + " is not a voter");
    }
    node.transferLeadership(id);
    sendJson(ex, 200, new Json().beginObject().fieldUnsigned("leader", id).endObject());
  }

  private Json membersJson() {
    ConfState cs = node.confState();
    Json j = new Json().beginObject().beginArray("members");
    for (Map.Entry<Long, String> m : node.store().members().entrySet()) {
      long id = m.getKey();
      String role = cs.getLearnersList().contains(id) ? "learner" : "voter";
      j.beginObject().fieldUnsigned("id", id).field("peerURL", m.getValue()).field("role", role)
          .field("isLeader", id == node.leader()).endObject();
    }
    return j.endArray().fieldUnsigned("leader", node.leader()).endObject();
  }

  private Json statusJson() throws KvNode.RequestTimeoutException, InterruptedException {
    Status st = node.status();
    TransportStats s = node.stats();
    return new Json().beginObject()
        .fieldUnsigned("id", node.id())
        .field("name", "node" + Long.toUnsignedString(node.id()))
        .field("state", st.raftState().toString())
        .field("term", st.term())
        .fieldUnsigned("leader", st.lead())
        .field("commit", st.commit())
        .field("applied", node.appliedIndex())
        .field("snapshotIndex", node.snapshotIndex())
        .field("snapshotsTaken", node.snapshotsTaken())
        .field("keys", node.store().size())
        .field("removed", node.removed())
        .field("startTime", node.startTime().toString())
        .field("uptimeSeconds", Instant.now().getEpochSecond() - node.startTime().getEpochSecond())
        .field("readyCnt", node.readies.sum())
        .field("savedEntryCnt", node.entriesSaved.sum())
        .field("saveMillis", node.saveNanos.sum() / 1_000_000)
        .field("sendMessageCnt", s.sent.sum())
        .field("recvMessageCnt", s.received.sum())
        .field("sendAppendRequestCnt", s.appendSent.sum())
        .field("recvAppendRequestCnt", s.appendReceived.sum())
        .field("droppedMessageCnt", s.dropped.sum())
        .field("sendBytes", s.bytesSent.sum())
        .field("recvBytes", s.bytesReceived.sum())
        .endObject();
  }

  private static long requireId(Map<String, String> query, String usage) throws HttpError {
    String idText = query.get("id");
    if (idText == null) {
      throw new HttpError(400, "missing id: use " + usage);
    }
    return parseId(idText);
  }

  private static long parseId(String s) throws HttpError {
    try {
      long id = Long.parseUnsignedLong(s.trim());
      if (id == 0) {
        throw new HttpError(400, "member id must not be 0");
      }
      return id;
    } catch (NumberFormatException e) {
      throw new HttpError(400, "bad member id \"" + s + "\": want a positive number");
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }

  private static void sendJson(HttpExchange ex, int code, Json j) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    send(ex, code, (j + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void sendText(HttpExchange ex, int code, String message) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    send(ex, code, (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
