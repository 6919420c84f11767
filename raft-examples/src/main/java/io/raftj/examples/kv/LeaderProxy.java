package io.raftj.examples.kv;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Forwards a request a follower cannot serve (writes, membership changes, leader transfer) to the
 * leader's client URL and passes the leader's answer back unchanged. raft-server takes proposals
 * only on the leader; this plays the role of etcd's proposal forwarding at the HTTP level.
 *
 * <p>When this node sees the leader change, requests forwarded to the old leader are answered at
 * once (504 {@code OUTCOME_UNKNOWN}: the old leader may have applied them) instead of waiting for
 * the old leader's timeout. A forwarded request carries {@link #FORWARDED_HEADER}, and a node that
 * receives one never forwards it again.
 */
final class LeaderProxy {

  /** Marks a forwarded request; its value is the forwarding node's id. */
  static final String FORWARDED_HEADER = "X-Raftj-Forwarded-By";

  private final long self;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<CompletableFuture<Response>, Long> inFlight = new ConcurrentHashMap<>();

  LeaderProxy(long self, Duration timeout, SSLContext tls) {
    this.self = self;
    this.timeout = timeout;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
  }

  /** Forwards {@code req} to {@code leader} at {@code leaderUrl}. */
  CompletableFuture<Response> forward(Request req, long leader, String leaderUrl) {
    String target =
        leaderUrl + req.rawPath() + (req.rawQuery() == null ? "" : "?" + req.rawQuery());
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(target))
            .timeout(timeout)
            .header(FORWARDED_HEADER, Long.toUnsignedString(self))
            .method(req.method(), HttpRequest.BodyPublishers.ofByteArray(req.body()))
            .build();
    CompletableFuture<Response> answer = new CompletableFuture<>();
    inFlight.put(answer, leader);
    answer.whenComplete((x, e) -> inFlight.remove(answer));
    http.sendAsync(r, HttpResponse.BodyHandlers.ofByteArray())
        .whenComplete(
            (resp, e) -> {
              if (e == null) {
                answer.complete(
                    new Response(
                        resp.statusCode(),
                        resp.headers()
                            .firstValue("Content-Type")
                            .orElse("application/octet-stream"),
                        resp.body()));
              } else {
                answer.complete(failed(e, leader));
              }
            });
    return answer;
  }

  private static Response failed(Throwable e, long leader) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String who = "the leader, node " + Long.toUnsignedString(leader);
    if (t instanceof ConnectException) {
      return Response.error(
          503,
          ApiError.NOT_LEADER,
          "cannot connect to " + who + " to forward the request (" + t + "); not applied, retry",
          leader);
    }
    if (t instanceof HttpTimeoutException) {
      return Response.error(
          504,
          ApiError.TIMEOUT,
          who
              + " did not answer the forwarded request in time; it"
              + " may or may not have been applied",
          leader);
    }
    if (t instanceof IOException) {
      return Response.error(
          504,
          ApiError.OUTCOME_UNKNOWN,
          "the connection to "
              + who
              + " failed while it handled the forwarded request ("
              + t
              + "); it may or may not have been applied",
          leader);
    }
    return Response.error(500, ApiError.INTERNAL, "forwarding to " + who + " failed: " + t, leader);
  }

  /** Answers the requests forwarded to any leader but {@code newLeader} now. */
  void leaderChanged(long newLeader) {
    for (Map.Entry<CompletableFuture<Response>, Long> e : inFlight.entrySet()) {
      long old = e.getValue();
      if (old != newLeader) {
        e.getKey()
            .complete(
                Response.error(
                    504,
                    ApiError.OUTCOME_UNKNOWN,
                    "the leader changed from node "
                        + Long.toUnsignedString(old)
                        + " to "
                        + (newLeader == 0
                            ? "none (an election is under way)"
                            : "node " + Long.toUnsignedString(newLeader))
                        + " while the request was forwarded to the old"
                        + " one; it may or may not have been applied",
                    newLeader));
      }
    }
  }

  /** The HTTP client it forwards with (for other requests to members). */
  HttpClient client() {
    return http;
  }

  /** Requests forwarded and not answered yet. */
  int inFlight() {
    return inFlight.size();
  }
}
