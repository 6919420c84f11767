package io.raftj.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.Config;
import io.raftj.raft.Peer;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A single-voter {@link RawNode} over {@link DurableStorage}, with synchronous Ready handling and
 * with asynchronous storage writes: proposals survive a restart, in order, and the node goes on.
 */
final class DurableStorageRawNodeTest {

  @TempDir Path dir;

  /** The host: a RawNode, its storage and an append-only state machine. */
  private static final class Host {
    final DurableStorage storage;
    final RawNode node;
    final boolean async;
    final List<String> applied = new ArrayList<>();
    long appliedIndex;
    ConfState confState;

    Host(Path dir, boolean async) throws IOException {
      storage = DurableStorage.open(dir, StorageTestSupport.smallOptions());
      this.async = async;
      appliedIndex = storage.appliedIndex();
      confState = storage.memoryStorage().initialState().confState();
      if (storage.isRestart() && storage.appliedIndex() > 0) {
        for (String s : storage.snapshotAtOpen().getData().toStringUtf8().split(",", -1)) {
          if (!s.isEmpty()) {
            applied.add(s);
          }
        }
      }
      node =
          new RawNode(
              new Config()
                  .setId(1)
                  .setElectionTick(10)
                  .setHeartbeatTick(1)
                  .setStorage(storage.memoryStorage())
                  .setApplied(storage.appliedIndex())
                  .setMaxSizePerMsg(RaftConstants.NO_LIMIT)
                  .setMaxInflightMsgs(256)
                  .setAsyncStorageWrites(async)
                  .setRandom(new Random(1)));
      if (!storage.isRestart()) {
        node.bootstrap(List.of(Peer.of(1)));
      }
      drain();
      node.campaign();
      drain();
      assertThat(node.basicStatus().raftState()).isEqualTo(StateType.STATE_LEADER);
    }

    void drain() throws IOException {
      while (node.hasReady()) {
        Ready rd = node.ready();
        if (async) {
          for (Message m : rd.messages()) {
            if (m.getTo() == RaftConstants.LOCAL_APPEND_THREAD) {
              storage.saveStorageAppend(m);
            } else if (m.getTo() == RaftConstants.LOCAL_APPLY_THREAD) {
              apply(m.getEntriesList());
            } else {
              continue;
            }
            for (Message resp : m.getResponsesList()) {
              node.step(resp);
            }
          }
        } else {
          storage.save(rd.hardState(), rd.entries(), rd.snapshot());
          apply(rd.committedEntries());
          node.advance(rd);
        }
      }
    }

    private void apply(List<Entry> ents) throws InvalidProtocolBufferException {
      for (Entry e : ents) {
        if (e.getType() == EntryType.EntryConfChange) {
          confState = node.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData())));
        } else if (!e.getData().isEmpty()) {
          applied.add(e.getData().toStringUtf8());
        }
        appliedIndex = e.getIndex();
      }
    }

    void propose(String... cmds) throws IOException {
      for (String c : cmds) {
        node.propose(ByteString.copyFromUtf8(c));
        drain();
      }
    }

    void snapshot() throws IOException {
      storage.snapshot(appliedIndex, confState, ByteString.copyFromUtf8(String.join(",", applied)));
    }
  }

  private static String[] commands(int from, int to) {
    String[] cmds = new String[to - from + 1];
    for (int i = from; i <= to; i++) {
      cmds[i - from] = "cmd" + i;
    }
    return cmds;
  }

  @ParameterizedTest(name = "asyncStorageWrites={0}")
  @ValueSource(booleans = {false, true})
  void rawNode_restart_recoversEveryCommittedProposalInOrder(boolean async) throws IOException {
    Host h = new Host(dir, async);
    h.propose(commands(1, 40));
    h.snapshot();
    h.propose(commands(41, 60));
    assertThat(h.applied).containsExactly(commands(1, 60));
    h.storage.close();

    Host r = new Host(dir, async);
    assertThat(r.storage.isRestart()).isTrue();
    assertThat(r.storage.appliedIndex()).isPositive();
    // The snapshot gave 1..40; Raft replayed the committed rest.
    assertThat(r.applied).containsExactly(commands(1, 60));
    r.propose(commands(61, 70));
    assertThat(r.applied).containsExactly(commands(1, 70));
    r.storage.close();

    Host again = new Host(dir, async);
    assertThat(again.applied).containsExactly(commands(1, 70));
    again.storage.close();
  }

  @Test
  void rawNode_freshDirectory_bootstrapsAndCommitsTheConfChange() throws IOException {
    Host h = new Host(dir, false);
    assertThat(h.confState.getVotersList()).containsExactly(1L);
    assertThat(h.storage.memoryStorage().lastIndex())
        .isGreaterThanOrEqualTo(2); // conf change, empty entry
    h.storage.close();
  }
}
