package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.raftpb.Entry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How an application tests its own state machine on top of raft with {@link Network}: a tiny
 * key-value store, replicated on three nodes, keeps its data through a leader failure.
 */
final class NetworkExampleTest {

  /** The application under test: applies "key=value" commands. */
  static final class KvStore implements StateMachine {
    final Map<String, String> data = new HashMap<>();

    @Override
    public void apply(Entry entry) {
      String[] kv = entry.getData().toStringUtf8().split("=", 2);
      data.put(kv[0], kv[1]);
    }
  }

  @Test
  void kvStore_survivesLeaderFailure() {
    Map<Long, KvStore> stores = new HashMap<>();
    Network net =
        Network.builder()
            .peers(1, 2, 3)
            .seed(2024)
            .stateMachine(id -> stores.compute(id, (k, old) -> new KvStore()))
            .build();

    assertThat(net.runUntil(() -> net.leader() != RaftConstants.NONE, 100)).isTrue();
    long first = net.leader();
    net.propose(first, ByteString.copyFromUtf8("x=1"));

    net.stop(first);
    assertThat(net.runUntil(() -> net.leader() != RaftConstants.NONE && net.leader() != first, 100))
        .isTrue();
    long second = net.leader();
    net.propose(second, ByteString.copyFromUtf8("y=2"));
    net.tick();

    assertThat(stores.get(second).data).containsEntry("x", "1").containsEntry("y", "2");

    net.restart(first);
    net.tick(10);
    assertThat(stores.get(first).data).isEqualTo(stores.get(second).data);
  }

  /** The class Javadoc's example, line for line (DocSnippetsTest holds the two together). */
  @Test
  void javadocExample_runs() {
    Network net = Network.builder().peers(1, 2, 3).seed(42).build();
    net.runUntil(() -> net.leader() != RaftConstants.NONE, 100);
    net.propose(net.leader(), ByteString.copyFromUtf8("x=1"));
    net.isolate(net.leader());
    // what the example leaves to the reader: the two others elect a leader of a later term
    long first = net.leader();
    assertThat(first).isNotEqualTo(RaftConstants.NONE);
    assertThat(net.runUntil(() -> net.leader() != first && net.leader() != RaftConstants.NONE, 100))
        .isTrue();
  }
}
