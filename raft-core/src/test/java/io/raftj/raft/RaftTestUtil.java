package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Helpers shared by the Raft tests, as in etcd's raft_test.go: test configs and storages, and
 * stepping a Raft's own acknowledgements the way a host would after persisting.
 */
final class RaftTestUtil {

  private RaftTestUtil() {}

  /** etcd's newTestConfig: unlimited message size, 256 inflight messages, quiet logger. */
  static Config newTestConfig(long id, int election, int heartbeat, Storage storage) {
    return new Config()
        .setId(id)
        .setElectionTick(election)
        .setHeartbeatTick(heartbeat)
        .setStorage(storage)
        .setMaxSizePerMsg(RaftConstants.NO_LIMIT)
        .setMaxInflightMsgs(256)
        .setLogger(RaftLogger.discard());
  }

  /** Sets the voters of the storage's initial ConfState. */
  static Consumer<ConfState.Builder> withPeers(long... peers) {
    return cs -> {
      cs.clearVoters();
      for (long p : peers) {
        cs.addVoters(p);
      }
    };
  }

  /** Sets the learners of the storage's initial ConfState. */
  static Consumer<ConfState.Builder> withLearners(long... learners) {
    return cs -> {
      cs.clearLearners();
      for (long l : learners) {
        cs.addLearners(l);
      }
    };
  }

  /** A MemoryStorage whose initial ConfState is shaped by {@code opts} (an index-0 snapshot). */
  @SafeVarargs
  static MemoryStorage newTestMemoryStorage(Consumer<ConfState.Builder>... opts) {
    MemoryStorage ms = new MemoryStorage(RaftLogger.discard());
    if (opts.length > 0) {
      ConfState.Builder cs = ConfState.newBuilder();
      for (Consumer<ConfState.Builder> o : opts) {
        o.accept(cs);
      }
      ms.applySnapshot(
          Snapshot.newBuilder()
              .setMetadata(SnapshotMetadata.newBuilder().setConfState(cs))
              .build());
    }
    return ms;
  }

  static Raft newTestRaft(long id, int election, int heartbeat, Storage storage) {
    return RaftInvariants.track(new Raft(newTestConfig(id, election, heartbeat, storage)));
  }

  static RawNode newTestRawNode(long id, int election, int heartbeat, Storage storage) {
    return RaftInvariants.track(new RawNode(newTestConfig(id, election, heartbeat, storage)));
  }

  /** Steps the self-addressed acknowledgements and returns (and clears) the outgoing messages. */
  static List<Message> readMessages(Raft r) {
    RaftInvariants.track(r);
    advanceMessagesAfterAppend(r);
    List<Message> msgs = r.msgs;
    r.msgs = new ArrayList<>();
    return msgs;
  }

  /** Delivers msgsAfterAppend as if the log were durable: self-addressed ones are stepped. */
  static void advanceMessagesAfterAppend(Raft r) {
    while (!r.msgsAfterAppend.isEmpty()) {
      List<Message> msgs = r.msgsAfterAppend;
      r.msgsAfterAppend = new ArrayList<>();
      for (Message m : msgs) {
        if (m.getTo() == r.id) {
          r.step(m);
        } else {
          r.msgs.add(m);
        }
      }
    }
  }

  /** Persists the unstable entries to {@code s} and returns the newly committed entries. */
  static List<Entry> nextEnts(Raft r, MemoryStorage s) {
    RaftInvariants.track(r);
    s.append(r.raftLog.nextUnstableEnts());
    r.raftLog.stableTo(r.raftLog.lastEntryID());
    advanceMessagesAfterAppend(r);
    List<Entry> ents = r.raftLog.nextCommittedEnts(true);
    r.raftLog.appliedTo(r.raftLog.committed(), 0);
    return ents;
  }

  static void mustAppendEntry(Raft r, Entry... ents) {
    RaftInvariants.track(r);
    if (!r.appendEntry(List.of(ents))) {
      throw new IllegalStateException("entry unexpectedly dropped");
    }
  }

  /** A message with From, To and Type set; callers add the rest. */
  static Message.Builder msg(long from, long to, io.raftj.raft.raftpb.MessageType type) {
    return Message.newBuilder().setFrom(from).setTo(to).setType(type);
  }

  /** Messages ordered by To, then Type, then From (etcd's messageSlice order). */
  static List<Message> sorted(List<Message> msgs) {
    List<Message> out = new ArrayList<>(msgs);
    out.sort(
        java.util.Comparator.comparingLong(Message::getTo)
            .thenComparingInt(m -> m.getType().getNumber())
            .thenComparingLong(Message::getFrom));
    return out;
  }

  /** Leader only: commits the empty entry of its term with every follower's ack. */
  static void commitNoopEntry(Raft r, MemoryStorage s) {
    if (r.state != StateType.STATE_LEADER) {
      throw new IllegalStateException("it should only be used when it is the leader");
    }
    r.bcastAppend();
    for (Message m : readMessages(r)) {
      if (m.getType() != io.raftj.raft.raftpb.MessageType.MsgApp
          || m.getEntriesCount() != 1
          || m.getEntries(0).hasData()) {
        throw new IllegalStateException("not a message to append noop entry");
      }
      r.step(acceptAndReply(m));
    }
    readMessages(r);
    s.append(r.raftLog.nextUnstableEnts());
    r.raftLog.appliedTo(r.raftLog.committed(), 0);
    r.raftLog.stableTo(r.raftLog.lastEntryID());
  }

  /** The follower's acceptance of a MsgApp. */
  static Message acceptAndReply(Message m) {
    if (m.getType() != io.raftj.raft.raftpb.MessageType.MsgApp) {
      throw new IllegalStateException("type should be MsgApp");
    }
    return Message.newBuilder()
        .setFrom(m.getTo())
        .setTo(m.getFrom())
        .setTerm(m.getTerm())
        .setType(io.raftj.raft.raftpb.MessageType.MsgAppResp)
        .setIndex(m.getIndex() + m.getEntriesCount())
        .build();
  }

  static long[] idsBySize(int size) {
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    return ids;
  }

  static Entry entry(long term, long index) {
    return Entry.newBuilder().setTerm(term).setIndex(index).build();
  }

  static Entry data(String s) {
    return Entry.newBuilder().setData(ByteString.copyFromUtf8(s)).build();
  }

  static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
