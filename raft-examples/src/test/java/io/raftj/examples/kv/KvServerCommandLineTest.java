package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.examples.kv.LocalCluster.Result;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server process's answers to a bad start: exit codes and messages. */
final class KvServerCommandLineTest {

  @TempDir Path dir;

  @Test
  void help_printsUsage_andExitsZero() throws Exception {
    Result r = LocalCluster.runToExit(dir.resolve("out"), "--help");
    assertThat(r.code()).isZero();
    assertThat(r.body()).contains("Usage: kv-server", "--snapshot-entries");
  }

  @Test
  void badFlag_exitsTwo_withTheReason() throws Exception {
    Result r =
        LocalCluster.runToExit(dir.resolve("out"), "--id", "x", "--peers", "http://127.0.0.1:1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.body()).contains("--id wants a number");
  }

  @Test
  void peerPortInUse_exitsOne_withTheReason() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Result r =
          LocalCluster.runToExit(
              dir.resolve("out"),
              "--id",
              "1",
              "--peers",
              "http://127.0.0.1:" + taken.getLocalPort(),
              "--client-port",
              "1",
              "--data-dir",
              dir.resolve("d").toString());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.body()).contains("cannot listen for peers", "is another node using that port");
    }
  }

  @Test
  void clientPortInUse_exitsOne_withTheReason() throws Exception {
    int peerPort;
    try (ServerSocket s = new ServerSocket(0)) {
      peerPort = s.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0)) {
      Result r =
          LocalCluster.runToExit(
              dir.resolve("out"),
              "--id",
              "1",
              "--peers",
              "http://127.0.0.1:" + peerPort,
              "--client-port",
              Integer.toString(taken.getLocalPort()),
              "--data-dir",
              dir.resolve("d").toString());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.body())
          .contains("cannot listen for clients", "is another process using that port");
    }
  }

  @Test
  void corruptedDataDir_exitsOne_withTheReason() throws Exception {
    Path data = dir.resolve("d");
    Path wal = data.resolve("groups").resolve("0000000000000001").resolve("raft").resolve("wal");
    Files.createDirectories(wal);
    Files.write(
        wal.resolve("0000000000000000-0000000000000000.wal"),
        new byte[] {
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
        });
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r =
        LocalCluster.runToExit(
            dir.resolve("out"),
            "--id",
            "1",
            "--peers",
            "http://127.0.0.1:" + port,
            "--client-port",
            "1",
            "--data-dir",
            data.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.body()).contains("cannot open data directory");
  }

  @Test
  void flags_parseIdUrlPairs_andDefaults() throws Exception {
    ServerFlags f =
        ServerFlags.parse(
            new String[] {
              "--id=2", "--peers", "1=http://127.0.0.1:1,2=http://127.0.0.1:2", "--client-port", "3"
            });
    assertThat(f.peers()).containsOnlyKeys(1L, 2L);
    assertThat(f.peers().get(2L).port()).isEqualTo(2);
    assertThat(f.dataDir()).isEqualTo(Path.of("raftj-kv-2"));
    assertThat(f.snapshotEntries()).isEqualTo(10_000);
    assertThat(f.snapshotLogRatio()).isEqualTo(1.0);
    assertThat(f.logMemoryMb()).isEqualTo(64);
    assertThat(f.spinMicros()).isEqualTo(20);
    assertThat(f.peerTls()).isNull();
    assertThat(f.clientTls()).isNull();
  }

  /** Member 1 of a one-member cluster at {@code peer}, with {@code more} flags after. */
  private static ServerFlags parseOne(String peer, String... more) throws Exception {
    String[] args = new String[5 + more.length];
    System.arraycopy(new String[] {"--id=1", "--peers", peer, "--client-port", "3"}, 0, args, 0, 5);
    System.arraycopy(more, 0, args, 5, more.length);
    return ServerFlags.parse(args);
  }

  @Test
  void spinFlag_isParsed_andBounded() throws Exception {
    assertThat(parseOne("http://127.0.0.1:1", "--spin-us=50").spinMicros()).isEqualTo(50);
    assertThatThrownBy(() -> parseOne("http://127.0.0.1:1", "--spin-us=-1"))
        .isInstanceOf(ServerFlags.FlagException.class)
        .hasMessageContaining("--spin-us");
  }

  @Test
  void snapshotLogRatio_isParsed_andBounded() throws Exception {
    assertThat(parseOne("http://127.0.0.1:1", "--snapshot-log-ratio=0").snapshotLogRatio())
        .isZero();
    assertThat(parseOne("http://127.0.0.1:1", "--snapshot-log-ratio", "0.5").snapshotLogRatio())
        .isEqualTo(0.5);
    for (String bad : new String[] {"-1", "NaN", "lots", "1e9"}) {
      assertThatThrownBy(() -> parseOne("http://127.0.0.1:1", "--snapshot-log-ratio=" + bad))
          .as(bad)
          .isInstanceOf(ServerFlags.FlagException.class)
          .hasMessageContaining("--snapshot-log-ratio");
    }
  }

  @Test
  void logMemoryFlag_isParsed_andBounded() throws Exception {
    assertThat(parseOne("http://127.0.0.1:1", "--log-memory-mb=512").logMemoryMb()).isEqualTo(512);
    assertThat(parseOne("http://127.0.0.1:1", "--log-memory-mb", "0").logMemoryMb()).isZero();
    assertThatThrownBy(() -> parseOne("http://127.0.0.1:1", "--log-memory-mb=-1"))
        .isInstanceOf(ServerFlags.FlagException.class)
        .hasMessageContaining("--log-memory-mb");
  }

  @Test
  void tlsFlags_areParsedAsEtcdNamesThem_andHalfConfigurationsRefused() throws Exception {
    String[] peerTls = {
      "--peer-cert-file", "p.crt", "--peer-key-file", "p.key", "--peer-trusted-ca-file", "ca.crt"
    };
    ServerFlags f =
        parseOne(
            "https://127.0.0.1:1",
            "--peer-cert-file",
            "p.crt",
            "--peer-key-file",
            "p.key",
            "--peer-trusted-ca-file",
            "ca.crt",
            "--peer-client-cert-auth",
            "--cert-file",
            "c.crt",
            "--key-file",
            "c.key",
            "--trusted-ca-file",
            "ca.crt",
            "--client-cert-auth");
    assertThat(f.peerTls())
        .isEqualTo(
            new ServerFlags.TlsFiles(Path.of("p.crt"), Path.of("p.key"), Path.of("ca.crt"), true));
    assertThat(f.clientTls())
        .isEqualTo(
            new ServerFlags.TlsFiles(Path.of("c.crt"), Path.of("c.key"), Path.of("ca.crt"), true));
    assertThat(f.clientScheme()).isEqualTo("https");

    assertThatThrownBy(() -> parseOne("http://127.0.0.1:1", peerTls))
        .hasMessageContaining("is http://, but peer TLS is on");
    assertThatThrownBy(() -> parseOne("https://127.0.0.1:1", "--peer-cert-file", "p.crt"))
        .hasMessageContaining("--peer-cert-file and --peer-key-file go together");
    assertThatThrownBy(
            () ->
                parseOne(
                    "http://127.0.0.1:1",
                    "--client-cert-auth",
                    "--cert-file",
                    "c.crt",
                    "--key-file",
                    "c.key"))
        .hasMessageContaining("--client-cert-auth needs");
    String[] refusing = java.util.Arrays.copyOf(peerTls, peerTls.length + 1);
    refusing[peerTls.length] = "--peer-client-cert-auth=false";
    assertThatThrownBy(() -> parseOne("https://127.0.0.1:1", refusing))
        .hasMessageContaining("always authenticate each other");
  }
}
