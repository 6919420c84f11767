package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Forwarding to a stand-in leader: answers passed through, failures mapped to the contract. */
final class LeaderProxyTest {

  private final CountDownLatch arrived = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private HttpServer leader;
  private String forwardedBy;

  @BeforeEach
  void startLeader() throws Exception {
    leader = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    leader.setExecutor(pool);
    leader.createContext(
        "/kv/slow",
        ex -> {
          arrived.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    leader.createContext(
        "/kv/fast",
        ex -> {
          forwardedBy = ex.getRequestHeaders().getFirst(LeaderProxy.FORWARDED_HEADER);
          byte[] body =
              ("{\"echo\":\""
                      + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(201, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    leader.start();
  }

  @AfterEach
  void stopLeader() {
    release.countDown();
    leader.stop(0);
    pool.shutdownNow();
  }

  private String leaderUrl() {
    return "http://127.0.0.1:" + leader.getAddress().getPort();
  }

  private static Request put(String path, String body) {
    return new Request("PUT", path, null, body.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void theLeadersAnswer_isPassedThroughUnchanged() throws Exception {
    LeaderProxy proxy = new LeaderProxy(7, Duration.ofSeconds(10), null);
    Response r = proxy.forward(put("/kv/fast", "v"), 2, leaderUrl()).get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"echo\":\"v\"}");
    assertThat(forwardedBy).isEqualTo("7");
  }

  @Test
  void aLeaderChange_answersForwardedRequestsAtOnce_asOutcomeUnknown() throws Exception {
    LeaderProxy proxy = new LeaderProxy(7, Duration.ofSeconds(30), null);
    CompletableFuture<Response> f = proxy.forward(put("/kv/slow", "v"), 2, leaderUrl());
    assertThat(arrived.await(10, TimeUnit.SECONDS))
        .as("the request reached the old leader")
        .isTrue();
    proxy.leaderChanged(2);
    assertThat(f).as("the same leader again changes nothing").isNotDone();
    proxy.leaderChanged(3);
    assertThat(f).isDone();
    Response r = f.get();
    assertThat(r.status()).isEqualTo(504);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("\"code\":\"OUTCOME_UNKNOWN\"", "\"leader\":3", "from node 2 to node 3");
    assertThat(proxy.inFlight()).isZero();
  }

  @Test
  void aLeaderThatCannotBeReached_isNotLeader_andNothingWasApplied() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    LeaderProxy proxy = new LeaderProxy(7, Duration.ofSeconds(10), null);
    Response r =
        proxy.forward(put("/kv/x", "v"), 2, "http://127.0.0.1:" + closed).get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(503);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("\"code\":\"NOT_LEADER\"", "\"leader\":2");
  }

  @Test
  void aConnectionThatBreaksMidRequest_isOutcomeUnknown() throws Exception {
    LeaderProxy proxy = new LeaderProxy(7, Duration.ofSeconds(30), null);
    CompletableFuture<Response> f = proxy.forward(put("/kv/slow", "v"), 2, leaderUrl());
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown(); // the stand-in closes the exchange without an answer
    Response r = f.get(10, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(504);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("\"code\":\"OUTCOME_UNKNOWN\"");
  }
}
