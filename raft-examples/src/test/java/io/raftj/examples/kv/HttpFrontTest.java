package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP front end on a raw socket, for what an HTTP client library would hide. */
class HttpFrontTest {
  private static final int MAX_BODY = 1024;
  private static final int OVERSIZED = 4 << 20;

  private HttpFront front;

  @BeforeEach
  void start() throws IOException {
    HttpFront.Limits limits =
        new HttpFront.Limits(4096, 8192, MAX_BODY, Duration.ofSeconds(30), Duration.ofSeconds(60));
    front =
        new HttpFront(
            new InetSocketAddress("127.0.0.1", 0),
            null,
            limits,
            req ->
                CompletableFuture.completedFuture(
                    Response.bytes(
                        (req.method() + " " + req.rawPath() + " " + req.body().length)
                            .getBytes(StandardCharsets.UTF_8))));
  }

  @AfterEach
  void stop() {
    front.close();
  }

  @Test
  void anOversizedBodyIsAnswered413WhileTheClientIsStillSendingIt_andTheConnectionServesOn()
      throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      // A body far larger than any socket buffer: the server must read it to the end, or the
      // client's writes fail with a reset before it can read the answer.
      out.write(head("PUT", "/kv/big", OVERSIZED, true));
      writeBody(out, OVERSIZED);
      Answer big = Answer.read(in);
      assertThat(big.status).isEqualTo(413);
      assertThat(big.body).contains("too large", "TOO_LARGE");

      out.write(head("PUT", "/kv/small", 3, true));
      out.write("abc".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Answer next = Answer.read(in);
      assertThat(next.status).isEqualTo(200);
      assertThat(next.body).isEqualTo("PUT /kv/small 3");
    }
  }

  @Test
  void anOversizedBodyOnAClosingConnectionIsReadToItsEndBeforeTheClose() throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      out.write(head("PUT", "/kv/big", OVERSIZED, false));
      writeBody(out, OVERSIZED);
      Answer big = Answer.read(in);
      assertThat(big.status).isEqualTo(413);
      assertThat(big.headers).contains("connection: close");
      assertThat(in.read()).as("the server closes after the body").isEqualTo(-1);
    }
  }

  @Test
  void aBodyWithinTheLimitReachesTheHandler() throws IOException {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head("PUT", "/kv/k", MAX_BODY, true));
      writeBody(out, MAX_BODY);
      Answer a = Answer.read(new BufferedInputStream(s.getInputStream()));
      assertThat(a.status).isEqualTo(200);
      assertThat(a.body).isEqualTo("PUT /kv/k " + MAX_BODY);
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(front.localAddress(), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  private static byte[] head(String method, String path, int length, boolean keepAlive) {
    return (method
            + " "
            + path
            + " HTTP/1.1\r\nHost: test\r\nContent-Length: "
            + length
            + "\r\nConnection: "
            + (keepAlive ? "keep-alive" : "close")
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static void writeBody(OutputStream out, int length) throws IOException {
    byte[] chunk = new byte[64 << 10];
    java.util.Arrays.fill(chunk, (byte) 'x');
    for (int left = length; left > 0; left -= chunk.length) {
      out.write(chunk, 0, Math.min(left, chunk.length));
    }
    out.flush();
  }

  /** One HTTP/1.1 response with a Content-Length. */
  private record Answer(int status, String headers, String body) {
    static Answer read(InputStream in) throws IOException {
      String head = readHead(in);
      int status = Integer.parseInt(head.substring(9, 12));
      String lower = head.toLowerCase(Locale.ROOT);
      int at = lower.indexOf("content-length:");
      assertThat(at).as("a Content-Length in %s", head).isNotNegative();
      int end = lower.indexOf("\r\n", at);
      int length = Integer.parseInt(lower.substring(at + 15, end).trim());
      byte[] body = in.readNBytes(length);
      return new Answer(status, lower, new String(body, StandardCharsets.UTF_8));
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < end.length) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed inside a response head: " + head);
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(StandardCharsets.US_ASCII);
    }
  }
}
