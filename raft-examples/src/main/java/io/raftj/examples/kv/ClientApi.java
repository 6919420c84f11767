package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import io.raftj.server.GroupStatus;
import io.raftj.transport.grpc.TransportMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The client HTTP API of one member. Plays the role of {@code httpKVAPI} in etcd's raftexample
 * {@code httpapi.go}; docs/operations.md documents every endpoint, the paging of ranges and the
 * error contract ({@link ApiError}).
 *
 * <ul>
 *   <li>{@code PUT /kv/{key}} (body = value) and {@code DELETE /kv/{key}} answer 200 once the write
 *       is committed and applied; a follower forwards them to the leader ({@link LeaderProxy}).
 *       Keys are bytes: each path byte may be percent-encoded.
 *   <li>{@code GET /kv/{key}} is linearizable (ReadIndex, on any member) unless {@code
 *       ?serializable=true}; {@code GET /kv?from=A&to=B&limit=N} lists a page of {@code [A, B)} as
 *       JSON, keys and values in base64.
 *   <li>{@code GET /members}, {@code POST /members?id=N&url=URL[&learner=true]}, {@code DELETE
 *       /members/{id}}, {@code POST /members/{id}/promote}, {@code POST /leader?id=N}.
 *   <li>{@code GET /status}: id, role, term, leader, commit, applied and counters as JSON.
 * </ul>
 */
final class ClientApi {

  static final int MAX_KEY_BYTES = 1024;
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 10_000;

  private final KvNode node;
  private final LeaderProxy proxy;

  ClientApi(KvNode node, LeaderProxy proxy) {
    this.node = node;
    this.proxy = proxy;
    node.watchLeader(proxy::leaderChanged);
  }

  /** Answers one request; never blocks. */
  CompletableFuture<Response> handle(Request req) {
    try {
      if (node.removed() && !req.rawPath().equals("/status")) {
        return done(ApiError.removed(node));
      }
      return route(req).exceptionally(e -> ApiError.of(e, node));
    } catch (ApiError.Failure f) {
      return done(ApiError.of(f, node));
    }
  }

  private CompletableFuture<Response> route(Request req) throws ApiError.Failure {
    String method = req.method();
    String path = req.rawPath();
    Map<String, String> query = parseQuery(req.rawQuery());
    if (path.equals("/kv") || path.equals("/kv/")) {
      if (!method.equals("GET")) {
        throw ApiError.badRequest("missing key: use " + method + " /kv/{key}");
      }
      return range(query);
    }
    if (path.startsWith("/kv/")) {
      ByteString key = checkKey(percentDecode(path.substring(4), false));
      switch (method) {
        case "PUT", "POST" -> {
          // the body array is the request's own and never changes: wrapped, not copied
          ByteString value = com.google.protobuf.UnsafeByteOperations.unsafeWrap(req.body());
          return onLeader(
              req,
              () ->
                  node.propose(KvCommand.put(key, value))
                      .thenApply(
                          a ->
                              Response.json(
                                  200,
                                  keyField(new Json().beginObject(), "key", key)
                                      .field("index", a.index())
                                      .endObject())));
        }
        case "DELETE" -> {
          return onLeader(
              req,
              () ->
                  node.propose(KvCommand.delete(key))
                      .thenApply(
                          a ->
                              Response.json(
                                  200,
                                  keyField(new Json().beginObject(), "deleted", key)
                                      .field("index", a.index())
                                      .endObject())));
        }
        case "GET" -> {
          return node.read(new KvStore.Get(key), linearizable(query))
              .thenApply(
                  v -> {
                    if (v == null) {
                      return Response.error(
                          404,
                          ApiError.NOT_FOUND,
                          "key not found: " + printable(key),
                          node.status().leader());
                    }
                    return Response.bytes(((ByteString) v).toByteArray());
                  });
        }
        default ->
            throw new ApiError.Failure(
                405, ApiError.METHOD_NOT_ALLOWED, "method " + method + " not allowed on /kv/{key}");
      }
    }
    if (path.equals("/members") || path.equals("/members/")) {
      switch (method) {
        case "GET" -> {
          return done(Response.json(200, membersJson()));
        }
        case "POST" -> {
          return addMember(req, query);
        }
        default ->
            throw new ApiError.Failure(
                405, ApiError.METHOD_NOT_ALLOWED, "method " + method + " not allowed on /members");
      }
    }
    if (path.startsWith("/members/")) {
      String rest = path.substring("/members/".length());
      boolean promote = rest.endsWith("/promote");
      long id = parseId(promote ? rest.substring(0, rest.length() - "/promote".length()) : rest);
      if (promote && method.equals("POST")) {
        requireMember(id);
        return onLeader(
            req,
            () ->
                node.promote(id)
                    .thenApply(
                        m ->
                            Response.json(
                                200,
                                new Json()
                                    .beginObject()
                                    .fieldUnsigned("promoted", id)
                                    .field("index", m.index())
                                    .endObject())));
      }
      if (!promote && method.equals("DELETE")) {
        requireMember(id);
        return onLeader(
            req,
            () ->
                node.removeMember(id)
                    .thenApply(
                        m ->
                            Response.json(
                                200,
                                new Json()
                                    .beginObject()
                                    .fieldUnsigned("removed", id)
                                    .field("index", m.index())
                                    .endObject())));
      }
      throw new ApiError.Failure(
          405,
          ApiError.METHOD_NOT_ALLOWED,
          "use DELETE /members/{id} or POST /members/{id}/promote");
    }
    if (path.equals("/leader")) {
      if (!method.equals("POST")) {
        throw new ApiError.Failure(
            405, ApiError.METHOD_NOT_ALLOWED, "use POST /leader?id=N to transfer leadership");
      }
      long id = requireId(query, "POST /leader?id=N");
      if (!node.status().voters().contains(id)) {
        throw ApiError.badRequest("node " + Long.toUnsignedString(id) + " is not a voter");
      }
      return onLeader(
          req,
          () ->
              node.transferLeadership(id)
                  .thenApply(
                      v ->
                          Response.json(
                              200,
                              new Json().beginObject().fieldUnsigned("leader", id).endObject())));
    }
    if (path.equals("/status")) {
      return status();
    }
    throw new ApiError.Failure(
        404,
        ApiError.NOT_FOUND,
        "no such endpoint "
            + path
            + "; try /kv/{key}, /kv?from=A&to=B, /members, /leader, /status");
  }

  /**
   * Runs {@code local} here if this node leads (or the request was forwarded to it), else forwards
   * the request to the leader.
   */
  private CompletableFuture<Response> onLeader(
      Request req, Supplier<CompletableFuture<Response>> local) {
    GroupStatus s = node.status();
    long leader = s.leader();
    if (s.isLeader() || req.forwarded()) {
      return local.get();
    }
    if (leader == 0) {
      return done(
          Response.error(
              503,
              ApiError.NO_LEADER,
              "no leader: an election is under way or there is no quorum; not applied, retry",
              0));
    }
    String url = node.clientUrl(leader);
    if (url == null) {
      return done(
          Response.error(
              503,
              ApiError.NOT_LEADER,
              "node "
                  + Long.toUnsignedString(node.id())
                  + " is not the leader and does not know the client URL of the leader, node "
                  + Long.toUnsignedString(leader)
                  + "; not applied, retry there",
              leader));
    }
    return proxy.forward(req, leader, url);
  }

  private CompletableFuture<Response> range(Map<String, String> query) throws ApiError.Failure {
    ByteString from = bytesParam(query, "from");
    if (from == null || from.isEmpty()) {
      throw ApiError.badRequest("missing key: use GET /kv/{key} or GET /kv?from=A&to=B");
    }
    ByteString to = bytesParam(query, "to");
    int limit = DEFAULT_LIMIT;
    if (query.containsKey("limit")) {
      try {
        limit = Integer.parseInt(query.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.badRequest(
            "limit must be between 1 and " + MAX_LIMIT + ", got \"" + query.get("limit") + "\"");
      }
    }
    KvStore.Range r = new KvStore.Range(from, to == null ? ByteString.EMPTY : to, limit);
    return node.read(r, linearizable(query))
        .thenApply(
            o -> {
              KvStore.Page page = (KvStore.Page) o;
              Base64.Encoder b64 = Base64.getEncoder();
              Json j = new Json().beginObject().beginArray("kvs");
              for (Map.Entry<ByteString, ByteString> e : page.kvs()) {
                j.beginObject()
                    .field("key", b64.encodeToString(e.getKey().toByteArray()))
                    .field("value", b64.encodeToString(e.getValue().toByteArray()))
                    .endObject();
              }
              j.endArray().field("count", page.kvs().size()).field("more", page.more());
              if (page.more()) {
                j.field("next", b64.encodeToString(page.next().toByteArray()));
              }
              return Response.json(200, j.endObject());
            });
  }

  /**
   * A key parameter: {@code name} percent-encoded, or {@code name64} in base64; null if neither.
   */
  private static ByteString bytesParam(Map<String, String> query, String name)
      throws ApiError.Failure {
    String b64 = query.get(name + "64");
    if (b64 != null) {
      try {
        return ByteString.copyFrom(
            Base64.getDecoder().decode(b64.replace('-', '+').replace('_', '/')));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(name + "64 is not base64: " + e.getMessage());
      }
    }
    String raw = query.get("raw:" + name);
    return raw == null ? null : percentDecode(raw, true);
  }

  private static boolean linearizable(Map<String, String> query) {
    return !"true".equalsIgnoreCase(query.get("serializable"));
  }

  private CompletableFuture<Response> addMember(Request req, Map<String, String> query)
      throws ApiError.Failure {
    String usage = "POST /members?id=N&url=http://host:port[&learner=true]";
    long id = requireId(query, usage);
    String url = query.get("url");
    if (url == null || url.isEmpty()) {
      url = new String(req.body(), StandardCharsets.UTF_8).trim();
    }
    PeerUrl peer;
    try {
      peer = PeerUrl.parse(url);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage() + " (use " + usage + ")");
    }
    if (peer.tls() != (node.flags().peerTls() != null)) {
      throw ApiError.badRequest(
          "peer URL "
              + peer
              + (peer.tls()
                  ? " is https:// but this cluster's peers" + " run plaintext"
                  : " is http:// but this cluster's peers use TLS: use https://"));
    }
    GroupStatus s = node.status();
    if (s.voters().contains(id) || s.learners().contains(id)) {
      throw new ApiError.Failure(
          409, ApiError.MEMBERSHIP, "member " + Long.toUnsignedString(id) + " already exists");
    }
    for (long m : members(s)) {
      String other = node.peerUrl(m);
      if (other != null && samePeer(other, peer)) {
        throw new ApiError.Failure(
            409,
            ApiError.MEMBERSHIP,
            "peer URL " + peer + " is already member " + Long.toUnsignedString(m) + "'s");
      }
    }
    boolean learner = "true".equalsIgnoreCase(query.get("learner"));
    String text = peer.text();
    return onLeader(
        req,
        () ->
            node.addMember(id, text, learner)
                .thenApply(
                    m ->
                        Response.json(
                            201,
                            new Json()
                                .beginObject()
                                .fieldUnsigned("id", id)
                                .field("peerURL", text)
                                .field("role", learner ? "learner" : "voter")
                                .field("index", m.index())
                                .endObject())));
  }

  private static boolean samePeer(String url, PeerUrl peer) {
    try {
      PeerUrl p = PeerUrl.parse(url);
      return p.port() == peer.port() && p.host().equalsIgnoreCase(peer.host());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void requireMember(long id) throws ApiError.Failure {
    GroupStatus s = node.status();
    if (!s.voters().contains(id) && !s.learners().contains(id)) {
      throw new ApiError.Failure(404, ApiError.NOT_FOUND, "no member " + Long.toUnsignedString(id));
    }
  }

  private static TreeSet<Long> members(GroupStatus s) {
    TreeSet<Long> all = new TreeSet<>(Long::compareUnsigned);
    all.addAll(s.voters());
    all.addAll(s.learners());
    return all;
  }

  private Json membersJson() {
    GroupStatus s = node.status();
    Json j = new Json().beginObject().beginArray("members");
    for (long id : members(s)) {
      j.beginObject()
          .fieldUnsigned("id", id)
          .field("peerURL", node.peerUrl(id))
          .field("clientURL", node.clientUrl(id))
          .field("role", s.learners().contains(id) ? "learner" : "voter")
          .field("isLeader", id == s.leader())
          .endObject();
    }
    return j.endArray().fieldUnsigned("leader", s.leader()).endObject();
  }

  private CompletableFuture<Response> status() {
    return node.read(new KvStore.Size(), false)
        .handle(
            (keys, e) -> {
              GroupStatus st = node.status();
              if (e != null) {
                node.noteStopped();
              }
              long sent = 0;
              long received = 0;
              long dropped = 0;
              long bytesSent = 0;
              long bytesReceived = 0;
              TransportMetrics tm = node.transportMetrics();
              for (TransportMetrics.Peer p : tm.peers().values()) {
                sent += p.messagesSent();
                received += p.messagesReceived();
                dropped += p.messagesDropped();
                bytesSent += p.bytesSent();
                bytesReceived += p.bytesReceived();
              }
              Map<String, Long> sm = node.serverMetrics();
              return Response.json(
                  200,
                  new Json()
                      .beginObject()
                      .fieldUnsigned("id", node.id())
                      .field("name", "node" + Long.toUnsignedString(node.id()))
                      .field("state", st.role().toString())
                      .field("term", st.term())
                      .fieldUnsigned("leader", st.leader())
                      .field("commit", st.commit())
                      .field("applied", st.applied())
                      .field("keys", keys == null ? -1 : (Long) keys)
                      .field("removed", node.removed())
                      .field("startTime", node.startTime().toString())
                      .field(
                          "uptimeSeconds",
                          Instant.now().getEpochSecond() - node.startTime().getEpochSecond())
                      .field("saveCnt", sm.getOrDefault("saves", 0L))
                      .field("savedEntryCnt", sm.getOrDefault("entries", 0L))
                      .field("entrySaveCnt", node.entrySaves())
                      .field("sendMessageCnt", sent)
                      .field("recvMessageCnt", received)
                      .field("droppedMessageCnt", dropped)
                      .field("refusedFrameCnt", tm.refused())
                      .field("sendBytes", bytesSent)
                      .field("recvBytes", bytesReceived)
                      .field("forwardingCnt", proxy.inFlight())
                      .endObject());
            });
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing.

  private static ByteString checkKey(ByteString key) throws ApiError.Failure {
    if (key.isEmpty()) {
      throw ApiError.badRequest("missing key: use /kv/{key}");
    }
    if (key.size() > MAX_KEY_BYTES) {
      throw ApiError.badRequest("key too long: at most " + MAX_KEY_BYTES + " bytes");
    }
    return key;
  }

  /**
   * Decodes percent-encoding into bytes (any byte may be encoded; a key need not be UTF-8). In a
   * query string, {@code +} means a space.
   */
  static ByteString percentDecode(String s, boolean plusIsSpace) throws ApiError.Failure {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw ApiError.badRequest(
              "bad percent-encoding at \"" + s.substring(i, Math.min(s.length(), i + 3)) + "\"");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else if (c < 0x80) {
        out.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  /**
   * The query's parameters: each name with its value decoded as UTF-8 text, and under {@code "raw:"
   * + name} the value still percent-encoded (for keys, which are bytes).
   */
  private static Map<String, String> parseQuery(String raw) throws ApiError.Failure {
    Map<String, String> q = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = percentDecode(eq < 0 ? part : part.substring(0, eq), true).toStringUtf8();
      String v = eq < 0 ? "" : part.substring(eq + 1);
      q.put(k, percentDecode(v, true).toStringUtf8());
      q.put("raw:" + k, v);
    }
    return q;
  }

  private static long requireId(Map<String, String> query, String usage) throws ApiError.Failure {
    String idText = query.get("id");
    if (idText == null) {
      throw ApiError.badRequest("missing id: use " + usage);
    }
    return parseId(idText);
  }

  private static long parseId(String s) throws ApiError.Failure {
    long id;
    try {
      id = Long.parseUnsignedLong(s.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("bad member id \"" + s + "\": want a positive number");
    }
    if (id == 0) {
      throw ApiError.badRequest("member id must not be 0");
    }
    return id;
  }

  /**
   * Puts {@code key} under {@code name} as text when it is UTF-8 (as the API always answered), or
   * base64 under {@code name + "Base64"} when it is not: never a lossy conversion.
   */
  private static Json keyField(Json j, String name, ByteString key) {
    try {
      return j.field(
          name, StandardCharsets.UTF_8.newDecoder().decode(key.asReadOnlyByteBuffer()).toString());
    } catch (CharacterCodingException e) {
      return j.field(name + "Base64", Base64.getEncoder().encodeToString(key.toByteArray()));
    }
  }

  private static String printable(ByteString key) {
    return key.isValidUtf8()
        ? key.toStringUtf8()
        : "base64:" + Base64.getEncoder().encodeToString(key.toByteArray());
  }

  private static CompletableFuture<Response> done(Response r) {
    return CompletableFuture.completedFuture(r);
  }
}
