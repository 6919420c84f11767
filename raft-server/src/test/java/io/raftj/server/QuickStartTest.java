package io.raftj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The README's and docs/server.md's quick start, compiled and run. */
final class QuickStartTest {

  /** A replicated counter: each command adds its value; the query returns the total. */
  static final class Counter implements StateMachine {
    private long total;

    @Override
    public void apply(ApplyBatch batch) {
      for (int i = 0; i < batch.size(); i++) {
        total += Long.parseLong(batch.data(i).toStringUtf8());
        batch.setResult(i, total);
      }
    }

    @Override
    public SnapshotWriter snapshot() {
      long view = total; // a point-in-time view: here, one number
      return out -> new DataOutputStream(out).writeLong(view);
    }

    @Override
    public void restore(InputStream in) throws java.io.IOException {
      total = new DataInputStream(in).readLong();
    }

    @Override
    public Object query(Object query) {
      return total;
    }
  }

  @Test
  void quickStart() throws Exception {
    // Three servers in one process on an in-memory network; a real one uses a network transport.
    LocalNetwork network = new LocalNetwork();
    List<RaftServer> servers = new ArrayList<>();
    CompletableFuture<RaftGroup> elected = new CompletableFuture<>();
    for (long id = 1; id <= 3; id++) {
      RaftServer server = RaftServer.builder(id, network.transport(id)).build();
      RaftGroup group = server.createGroup(GroupOptions.of(42, 1, 2, 3), new Counter());
      group.addLeaderListener(
          (groupId, leaderId, term) -> {
            if (leaderId == group.serverId()) {
              elected.complete(group);
            }
          });
      servers.add(server);
    }
    RaftGroup leader = elected.get(); // about a second with the default timing
    Applied applied = leader.propose(ByteString.copyFromUtf8("5")).get();
    Object total = leader.read("total", ReadPolicy.LINEARIZABLE).get();
    System.out.printf("index %d, result %s, total %s%n", applied.index(), applied.result(), total);
    servers.forEach(RaftServer::close);

    assertThat(applied.result()).isEqualTo(5L);
    assertThat(total).isEqualTo(5L);
  }
}
