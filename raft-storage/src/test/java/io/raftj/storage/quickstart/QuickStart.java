package io.raftj.storage.quickstart;

import com.google.protobuf.ByteString;
import io.raftj.raft.Config;
import io.raftj.raft.Peer;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Message;
import io.raftj.storage.DurableStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's quick start: a three-member group in one thread, each member a {@link RawNode} over
 * a {@link DurableStorage}, messages handed over in memory. The README shows the lines between the
 * {@code quick start} markers; {@code QuickStartTest} runs them.
 */
public final class QuickStart {
  private QuickStart() {}

  // quick start begins
  static final List<Peer> PEERS = List.of(Peer.of(1), Peer.of(2), Peer.of(3));

  record Member(DurableStorage storage, RawNode node, List<String> applied) {}

  static Member open(long id, Path dir) throws IOException {
    DurableStorage storage = DurableStorage.open(dir.resolve("member-" + id));
    RawNode node =
        new RawNode(
            Config.defaults(id) // etcd's server settings
                .setStorage(storage.memoryStorage())
                .setApplied(storage.appliedIndex()));
    if (!storage.isRestart()) {
      node.bootstrap(PEERS); // a new group; a restarted member finds its peers in its log
    }
    return new Member(storage, node, new ArrayList<>());
  }

  /** Handles every Ready until no member has one: persist, send, apply, advance. */
  static void runUntilIdle(Map<Long, Member> group) throws IOException {
    while (group.values().stream().anyMatch(m -> m.node().hasReady())) {
      for (Member m : group.values()) {
        if (!m.node().hasReady()) {
          continue;
        }
        Ready rd = m.node().ready();
        m.storage().save(rd.hardState(), rd.entries(), rd.snapshot()); // durable on return
        for (Message msg : rd.messages()) { // a real host sends these over the network
          group.get(msg.getTo()).node().step(msg);
        }
        for (Entry e : rd.committedEntries()) {
          if (e.getType() == EntryType.EntryConfChange) {
            m.node().applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData())));
          } else if (!e.getData().isEmpty()) { // empty: a new leader's first entry
            m.applied().add(e.getData().toStringUtf8());
          }
        }
        m.node().advance(rd);
      }
    }
  }

  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("raftj-quickstart");
    for (int round = 1; round <= 2; round++) { // round 2 restarts every member from disk
      Map<Long, Member> group = new TreeMap<>();
      for (Peer p : PEERS) {
        group.put(p.id(), open(p.id(), dir));
      }
      runUntilIdle(group); // applies the membership (in round 2: replays the log)
      group.get(1L).node().campaign(); // or call tick() every 100 ms until someone wins
      runUntilIdle(group);
      group.get(1L).node().propose(ByteString.copyFromUtf8("x=" + round));
      runUntilIdle(group);
      for (Member m : group.values()) {
        System.out.println("leader " + m.node().leaderId() + ", applied " + m.applied());
        m.storage().close();
      }
    }
  }
  // quick start ends
}
