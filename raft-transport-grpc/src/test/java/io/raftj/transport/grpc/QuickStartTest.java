package io.raftj.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.server.Applied;
import io.raftj.server.GroupOptions;
import io.raftj.server.RaftGroup;
import io.raftj.server.RaftServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start of docs/transport.md, run: three servers over mutual TLS from PEM files. */
final class QuickStartTest {

  @Test
  void quickStart_threeServersFromPemFiles_commit(@TempDir Path dir) throws Exception {
    TestCerts ca = new TestCerts("raftj CA");
    List<GrpcTransport> transports = new ArrayList<>();
    List<RaftServer> servers = new ArrayList<>();
    CompletableFuture<RaftGroup> elected = new CompletableFuture<>();
    try {
      for (long id = 1; id <= 3; id++) {
        ca.pem(id, dir); // writes server-<id>.crt, server-<id>.key and ca.crt
        TlsConfig tls =
            TlsConfig.fromPem(
                dir.resolve("server-" + id + ".crt"),
                dir.resolve("server-" + id + ".key"),
                dir.resolve("ca.crt"));
        GrpcTransport transport =
            GrpcTransport.builder(id, new InetSocketAddress("127.0.0.1", 0))
                .tls(tls)
                .build(); // binds now: transport.localAddress() has the port
        transports.add(transport);
      }
      for (GrpcTransport t : transports) {
        for (GrpcTransport other : transports) {
          if (other != t) {
            t.setPeer(other.localId(), other.localAddress()); // also when membership changes
          }
        }
      }
      for (GrpcTransport transport : transports) {
        long id = transport.localId();
        RaftServer server =
            RaftServer.builder(id, transport).dataDir(dir.resolve("data-" + id)).build();
        servers.add(server);
        RaftGroup group = server.createGroup(GroupOptions.of(42, 1, 2, 3), new BytesStateMachine());
        group.addLeaderListener(
            (g, leader, term) -> {
              if (leader == group.serverId()) {
                elected.complete(group);
              }
            });
      }
      RaftGroup leader = elected.get(120, TimeUnit.SECONDS);
      Applied applied = leader.propose(ByteString.copyFromUtf8("hello")).get(60, TimeUnit.SECONDS);
      assertThat(applied.index()).isPositive();
      Map<Long, TransportMetrics.Peer> sent =
          transports.get((int) leader.serverId() - 1).metrics().peers();
      assertThat(sent.values()).allSatisfy(p -> assertThat(p.messagesSent()).isPositive());
    } finally {
      for (RaftServer s : servers) {
        s.close();
      }
      for (GrpcTransport t : transports) {
        t.close();
      }
    }
  }
}
