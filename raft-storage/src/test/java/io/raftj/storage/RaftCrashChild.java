package io.raftj.storage;

import com.google.protobuf.ByteString;
import io.raftj.raft.Config;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.Peer;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.StateType;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The process {@link KillNineTest} kills when it runs Raft itself: a single-voter {@link RawNode}
 * over {@link DurableStorage}, proposing commands and printing {@code ACK <index> <payload>} for
 * each one applied, which a lone voter only applies after it is durable. Now and then it snapshots
 * the state machine. It exits when its standard input closes.
 */
public final class RaftCrashChild {

  private RaftCrashChild() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    CrashChild.exitWhenParentGoes();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (DurableStorage storage = DurableStorage.open(dir, CrashChild.options())) {
      MemoryStorage ms = storage.memoryStorage();
      CrashChild.StateMachine sm = CrashChild.StateMachine.restore(storage.snapshotAtOpen());
      ConfState confState = ms.initialState().confState();
      RawNode node =
          new RawNode(
              new Config()
                  .setId(1)
                  .setElectionTick(10)
                  .setHeartbeatTick(1)
                  .setStorage(ms)
                  .setApplied(storage.appliedIndex())
                  .setMaxSizePerMsg(1 << 20)
                  .setMaxInflightMsgs(256)
                  .setRandom(new Random(seed)));
      if (!storage.isRestart()) {
        node.bootstrap(List.of(Peer.of(1)));
      }
      out.println("OPEN " + sm.applied + " " + ms.lastIndex());
      out.flush();

      Random rnd = new Random(seed);
      long lastSnap = sm.applied;
      boolean campaigned = false;
      for (int seq = 0; ; seq++) {
        // Raft refuses to campaign while committed conf changes are unapplied (the bootstrap's,
        // or a replay's); the first pass of the loop applies them. Ticks retry if it still fails.
        if (seq == 1 && !campaigned) {
          node.campaign();
          campaigned = true;
        }
        node.tick();
        if (node.basicStatus().raftState() == StateType.STATE_LEADER) {
          int n = 1 + rnd.nextInt(8);
          for (int k = 0; k < n; k++) {
            node.propose(ByteString.copyFromUtf8("cmd-" + seed + "-" + seq + "-" + k));
          }
        }
        while (node.hasReady()) {
          Ready rd = node.ready();
          storage.save(rd.hardState(), rd.entries(), rd.snapshot());
          for (Entry e : rd.committedEntries()) {
            if (e.getType() == EntryType.EntryConfChange) {
              confState = node.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData())));
            } else if (e.getType() == EntryType.EntryConfChangeV2) {
              confState = node.applyConfChange(ConfChangeI.of(ConfChangeV2.parseFrom(e.getData())));
            }
            if (e.getType() == EntryType.EntryNormal && !e.getData().isEmpty()) {
              sm.apply(e.getIndex(), e.getData().toStringUtf8());
              out.println("ACK " + e.getIndex() + " " + e.getData().toStringUtf8());
            } else {
              sm.applied = e.getIndex();
            }
          }
          out.flush();
          node.advance(rd);
        }
        if (sm.applied - lastSnap >= CrashChild.SNAPSHOT_EVERY) {
          storage.snapshot(sm.applied, confState, sm.encode());
          lastSnap = sm.applied;
        }
      }
    }
  }
}
