package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.examples.kv.LocalCluster.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client API of three members in this JVM (real gRPC and HTTP on loopback): forwarding, binary
 * keys, paging, the error contract and the HTTP server's limits.
 */
@Timeout(value = 120)
final class KvApiTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path root;
  private static LocalCluster cluster;
  private static long leader;

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster =
        LocalCluster.inProcess(
            root,
            List.of(
                "--tick-ms",
                "50",
                "--election-ticks",
                "10",
                "--request-timeout-ms",
                "4000",
                "--max-value-bytes",
                "1000",
                "--read-timeout-ms",
                "1000"));
    for (long id = 1; id <= 3; id++) {
      cluster.define(id);
    }
    for (long id = 1; id <= 3; id++) {
      cluster.start(id);
    }
    leader = cluster.awaitLeader(WAIT, 1, 2, 3);
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static long follower() {
    return leader == 1 ? 2 : 1;
  }

  /** PUT, retried while the cluster settles (a new leader may not have published its URL yet). */
  private static Result putOk(long via, String rawKey, String value) throws InterruptedException {
    return cluster.await(
        "PUT " + rawKey + " via node " + via,
        WAIT,
        () -> {
          Result r = cluster.call(via, "PUT", "/kv/" + rawKey, value);
          return r.code() == 200 ? r : null;
        });
  }

  private static String b64(byte... b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void write_isAppliedAndAnsweredOnTheGroupsLoopThread() throws Exception {
    putOk(leader, "loop-thread", "v");
    KvNode node = cluster.node(leader);
    String thread = null;
    while (thread == null) {
      java.util.concurrent.CompletableFuture<io.raftj.server.Applied> f =
          node.propose(
              KvCommand.put(
                  com.google.protobuf.ByteString.copyFromUtf8("loop-thread"),
                  com.google.protobuf.ByteString.copyFromUtf8("w")));
      java.util.concurrent.CompletableFuture<String> completer =
          f.thenApply(a -> Thread.currentThread().getName());
      boolean attachedInTime = !f.isDone(); // not done after the callback was attached
      String name = completer.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      if (attachedInTime) {
        thread = name; // else it ran on this thread: the write finished first, so try again
      }
    }
    // KvStore applies on the loop thread: no hand-off to an apply thread before the answer.
    assertThat(thread).contains("-loop-").doesNotContain("-apply-");
  }

  @Test
  void writesOnFollowers_areForwardedToTheLeader_andReadLinearizablyEverywhere()
      throws InterruptedException {
    for (long id = 1; id <= 3; id++) {
      Result r = putOk(id, "fwd-" + id, "v" + id);
      assertThat(r.body()).contains("\"key\":\"fwd-" + id + "\"", "\"index\":");
    }
    for (long id = 1; id <= 3; id++) {
      for (long k = 1; k <= 3; k++) {
        Result r = cluster.get(id, "/kv/fwd-" + k);
        assertThat(r.code()).as("node %d key %d: %s", id, k, r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("v" + k);
      }
    }
    Result del = cluster.call(follower(), "DELETE", "/kv/fwd-1", null);
    assertThat(del.code()).as(del.body()).isEqualTo(200);
    assertThat(cluster.get(leader, "/kv/fwd-1").code()).isEqualTo(404);
  }

  @Test
  void binaryKeys_neverCollide_andRangesCarryBase64() throws InterruptedException {
    putOk(leader, "bin%FF%FE", "one");
    Result second = putOk(follower(), "bin%FE%FF", "two");
    assertThat(second.body())
        .contains(
            "\"keyBase64\":\""
                + b64((byte) 'b', (byte) 'i', (byte) 'n', (byte) 0xfe, (byte) 0xff)
                + "\"");
    assertThat(cluster.get(leader, "/kv/bin%FF%FE").body()).isEqualTo("one");
    assertThat(cluster.get(leader, "/kv/bin%fe%ff").body()).isEqualTo("two");

    Result range = cluster.get(follower(), "/kv?from=bin&to=bio");
    assertThat(range.code()).as(range.body()).isEqualTo(200);
    assertThat(range.body())
        .contains(
            "{\"key\":\""
                + b64((byte) 'b', (byte) 'i', (byte) 'n', (byte) 0xfe, (byte) 0xff)
                + "\",\"value\":\""
                + b64("two".getBytes(StandardCharsets.UTF_8))
                + "\"}",
            "\"count\":2",
            "\"more\":false");
  }

  @Test
  void ranges_arePaged_withAContinuationKey() throws InterruptedException {
    for (int i = 0; i < 25; i++) {
      putOk(leader, String.format("page-%02d", i), "v" + i);
    }
    List<String> seen = new ArrayList<>();
    String from = "from=page-";
    int pages = 0;
    while (true) {
      Result r = cluster.get(follower(), "/kv?" + from + "&to=page.&limit=10");
      assertThat(r.code()).as(r.body()).isEqualTo(200);
      Matcher m = Pattern.compile("\"key\":\"([^\"]*)\"").matcher(r.body());
      while (m.find()) {
        seen.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
      }
      pages++;
      if (r.body().contains("\"more\":false")) {
        assertThat(r.body()).doesNotContain("\"next\"");
        break;
      }
      Matcher next = Pattern.compile("\"next\":\"([^\"]*)\"").matcher(r.body());
      assertThat(next.find()).as(r.body()).isTrue();
      from = "from64=" + next.group(1);
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).first().isEqualTo("page-00");
    assertThat(seen).last().isEqualTo("page-24");
    assertThat(cluster.get(leader, "/kv?from=a&limit=0").code()).isEqualTo(400);
    assertThat(cluster.get(leader, "/kv?from=a&limit=10001").body())
        .contains("\"code\":\"BAD_REQUEST\"");
  }

  @Test
  void errors_followTheContract() throws IOException {
    Result missing = cluster.get(leader, "/kv/no-such-key");
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.body()).contains("\"code\":\"NOT_FOUND\"", "\"leader\":" + leader);
    String badEscape =
        raw(leader, "GET /kv/bad%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(badEscape)
        .startsWith("HTTP/1.1 400")
        .contains("{\"error\":\"bad percent-encoding", "\"code\":\"BAD_REQUEST\"");
    assertThat(cluster.call(leader, "PATCH", "/kv/x", "").code()).isEqualTo(405);
    assertThat(cluster.get(leader, "/nowhere").code()).isEqualTo(404);
  }

  @Test
  void duplicateMemberIdsAndUrls_areRefusedWith409() {
    Result dupId = cluster.call(follower(), "POST", "/members?id=2&url=http://127.0.0.1:1", null);
    assertThat(dupId.code()).as(dupId.body()).isEqualTo(409);
    assertThat(dupId.body()).contains("\"code\":\"MEMBERSHIP\"", "member 2 already exists");
    Result dupUrl =
        cluster.call(leader, "POST", "/members?id=6&url=" + cluster.member(2).peerUrl(), null);
    assertThat(dupUrl.code()).as(dupUrl.body()).isEqualTo(409);
    assertThat(dupUrl.body()).contains("\"code\":\"MEMBERSHIP\"", "already member 2's");
    assertThat(cluster.get(leader, "/members").body()).doesNotContain("\"id\":6");
  }

  /** Sends raw bytes and returns what the server answers until it closes or the timeout passes. */
  private static String raw(long id, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", cluster.member(id).clientPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void keepAlive_oneConnectionCarriesRequestAfterRequest_andStatusCountsFsyncedWrites()
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", cluster.member(leader).clientPort)) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      for (int i = 0; i < 3; i++) {
        s.getOutputStream()
            .write(
                ("PUT /kv/ka" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nv")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String answer = readResponse(in);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("keep-alive");
      }
      s.getOutputStream()
          .write("GET /status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String status = readResponse(in);
      long entries = LocalCluster.jsonLong(status, "savedEntryCnt");
      long entrySaves = LocalCluster.jsonLong(status, "entrySaveCnt");
      assertThat(entrySaves).isPositive().isLessThanOrEqualTo(entries);
    }
  }

  @Test
  void pipelinedRequests_areAnsweredInRequestOrder() throws IOException {
    try (Socket s = new Socket("127.0.0.1", cluster.member(leader).clientPort)) {
      s.setSoTimeout(10_000);
      // A write (answered after commit) then a local read of its key (answerable at once), sent
      // in one packet: the read must wait for the write, and the answers come in request order.
      s.getOutputStream()
          .write(
              ("PUT /kv/piped HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\npiped1"
                      + "GET /kv/piped?serializable=true HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").contains("\"index\"");
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").endsWith("piped1");
    }
  }

  /** Reads one HTTP response with a Content-Length body. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) b);
    }
    Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int len = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
  }

  @Test
  void oversizedBody_is413_andOversizedHeaders_are431() throws IOException {
    String big = raw(leader, "PUT /kv/big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
    assertThat(big)
        .startsWith("HTTP/1.1 413")
        .contains("\"code\":\"TOO_LARGE\"", "at most 1000 bytes");
    String headers =
        raw(leader, "GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n");
    assertThat(headers).startsWith("HTTP/1.1 431").contains("\"code\":\"HEADERS_TOO_LARGE\"");
  }

  @Test
  void slowClients_neitherExhaustTheServer_norHoldTheirConnection() throws IOException {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket("127.0.0.1", cluster.member(leader).clientPort);
        OutputStream out = s.getOutputStream();
        out.write(
            "PUT /kv/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        slow.add(s);
      }
      Result status = cluster.get(leader, "/status");
      assertThat(status.code())
          .as("a normal request while 300 clients dawdle: %s", status.body())
          .isEqualTo(200);
      // The server closes a connection whose request does not arrive within --read-timeout-ms.
      Socket first = slow.get(0);
      first.setSoTimeout(15_000);
      InputStream in = first.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (SocketException reset) {
        read = -1;
      }
      assertThat(read).as("the server closed the slow connection").isEqualTo(-1);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }
}
