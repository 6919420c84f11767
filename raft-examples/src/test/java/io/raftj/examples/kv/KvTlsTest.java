package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.examples.kv.LocalCluster.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members with TLS between them and on the client API (client certificates required), with
 * certificates issued as docs/operations.md describes.
 */
@Timeout(value = 120)
// LocalCluster.close() may be interrupted; the tests declare it.
@SuppressWarnings("try")
final class KvTlsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path root;

  @Test
  void membersTalkTls_clientsNeedACertificate_andFollowersForwardOverHttps() throws Exception {
    TestCerts certs = new TestCerts(root);
    for (long id = 1; id <= 3; id++) {
      certs.issue("node" + id, id);
    }
    certs.issue("client", 0);
    try (LocalCluster c =
        LocalCluster.inProcess(root, List.of("--tick-ms", "50", "--election-ticks", "10"))
            .tls(certs::memberFlags, certs.clientContext(true), true, true)) {
      for (long id = 1; id <= 3; id++) {
        c.define(id);
      }
      for (long id = 1; id <= 3; id++) {
        c.start(id);
      }
      long leader = c.awaitLeader(WAIT, 1, 2, 3);
      long follower = leader == 1 ? 2 : 1;
      Result put =
          c.await(
              "a PUT through a follower over TLS",
              WAIT,
              () -> {
                Result r = c.call(follower, "PUT", "/kv/secret", "s3cr3t");
                return r.code() == 200 ? r : null;
              });
      assertThat(put.body()).contains("\"key\":\"secret\"");
      for (long id = 1; id <= 3; id++) {
        assertThat(c.get(id, "/kv/secret").body()).isEqualTo("s3cr3t");
      }
      assertThat(c.get(leader, "/members").body())
          .contains("https://127.0.0.1:" + c.member(leader).clientPort);

      HttpClient anonymous =
          HttpClient.newBuilder()
              .sslContext(certs.clientContext(false))
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(c.member(leader).base() + "/kv/secret"))
              .timeout(Duration.ofSeconds(5))
              .build();
      assertThatThrownBy(() -> anonymous.send(get, HttpResponse.BodyHandlers.ofString()))
          .as("a client without a certificate is refused")
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void aPeerCertificateForAnotherId_stopsTheNodeAtStart() throws Exception {
    TestCerts certs = new TestCerts(root);
    certs.issue("node2", 2);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--id",
                "1",
                "--peers",
                "https://127.0.0.1:1",
                "--client-port",
                "2",
                "--data-dir",
                root.resolve("d").toString(),
                "--peer-cert-file",
                certs.certFile("node2").toString(),
                "--peer-key-file",
                certs.keyFile("node2").toString(),
                "--peer-trusted-ca-file",
                certs.caFile().toString()));
    assertThatThrownBy(() -> KvServer.start(ServerFlags.parse(args.toArray(String[]::new))))
        .isInstanceOf(KvServer.StartFailure.class)
        .hasMessageContaining("names server 2", "not this node's --id 1");
  }
}
