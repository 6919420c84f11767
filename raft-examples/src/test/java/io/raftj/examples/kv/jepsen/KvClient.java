package io.raftj.examples.kv.jepsen;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * PUT and GET against one member's HTTP API, each answer classified as an {@link Outcome}.
 * Thread-safe: one client is shared by all workers.
 */
final class KvClient {

  private final HttpClient http;
  private final Duration timeout;
  private final String readQuery;

  /**
   * With {@code serializableReads}, GETs ask for the member's local state ({@code
   * ?serializable=true}), which may be stale: a deliberate fault, to show the checker catches it.
   */
  KvClient(Duration timeout, boolean serializableReads) {
    this.timeout = timeout;
    this.readQuery = serializableReads ? "?serializable=true" : "";
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
  }

  /**
   * Writes {@code value} (its decimal string) to {@code key} through the member at {@code base}.
   */
  Outcome put(String base, String key, long value) throws InterruptedException {
    HttpRequest req =
        request(base, key).PUT(HttpRequest.BodyPublishers.ofString(Long.toString(value))).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return Outcome.ofWrite(r.statusCode(), r.body(), value);
    } catch (ConnectException e) {
      return Outcome.fail("cannot connect: " + e); // nothing was sent
    } catch (IOException e) {
      return Outcome.info(e.toString()); // sent, answer lost or late
    }
  }

  /** A linearizable read of {@code key} through the member at {@code base}. */
  Outcome get(String base, String key) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/kv/" + key + readQuery))
                  .timeout(timeout)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return Outcome.ofRead(r.statusCode(), r.body());
    } catch (IOException e) {
      return Outcome.fail(e.toString());
    }
  }

  /** The body of {@code GET base + path}, or null when there is no 200 answer. */
  String getText(String base, String path) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(Duration.ofSeconds(1))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private HttpRequest.Builder request(String base, String key) {
    return HttpRequest.newBuilder(URI.create(base + "/kv/" + key)).timeout(timeout);
  }
}
