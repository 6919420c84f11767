package io.raftj.raft;

import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.tracker.internal.Inflights;
import io.raftj.raft.tracker.internal.Progress;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.ProgressTracker;
import io.raftj.raft.tracker.internal.TrackerConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A synchronous in-process network of Raft state machines, as etcd's {@code network} in
 * raft_test.go: {@link #send} delivers messages and everything they cause until the network is
 * quiet, dropping what is cut, isolated or ignored.
 */
final class Network {

  /** Something that takes messages: a Raft, or a black hole. */
  interface StateMachine {
    void step(Message m);

    List<Message> readMessages();
  }

  /** A peer that swallows every message. */
  static final StateMachine BLACK_HOLE =
      new StateMachine() {
        @Override
        public void step(Message m) {}

        @Override
        public List<Message> readMessages() {
          return List.of();
        }
      };

  private record Conn(long from, long to) {}

  final Map<Long, StateMachine> peers = new HashMap<>();
  final Map<Long, Raft> rafts = new HashMap<>();
  final Map<Long, MemoryStorage> storage = new HashMap<>();
  private final Map<Conn, Double> dropm = new HashMap<>();
  private final Set<MessageType> ignorem = EnumSet.noneOf(MessageType.class);

  /** Called for each message; returns false to drop it. */
  Predicate<Message> msgHook;

  private final Random rand = new Random(1);

  /** A network of {@code n} fresh Rafts with IDs 1..n. */
  static Network of(int n) {
    return withConfig(null, new Object[n]);
  }

  /**
   * A network of the given peers with IDs 1..n: null becomes a fresh Raft (its config adjusted by
   * {@code configFunc}), a {@link Raft} is reconfigured to the n voters (learners kept), and {@link
   * #BLACK_HOLE} stays as is.
   */
  static Network withConfig(Consumer<Config> configFunc, Object... peers) {
    Network nw = new Network();
    int size = peers.length;
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    for (int j = 0; j < size; j++) {
      long id = ids[j];
      Object p = peers[j];
      if (p == null) {
        MemoryStorage ms = RaftTestUtil.newTestMemoryStorage(RaftTestUtil.withPeers(ids));
        nw.storage.put(id, ms);
        Config cfg = RaftTestUtil.newTestConfig(id, 10, 1, ms);
        if (configFunc != null) {
          configFunc.accept(cfg);
        }
        Raft r = new Raft(cfg);
        nw.add(id, r);
      } else if (p instanceof Raft r) {
        if (r.id != id) {
          throw new IllegalArgumentException("raft " + r.id + " at position of " + id);
        }
        reconfigure(r, ids);
        nw.add(id, r);
      } else if (p == BLACK_HOLE) {
        nw.peers.put(id, BLACK_HOLE);
      } else {
        throw new IllegalArgumentException("unexpected state machine " + p);
      }
    }
    return nw;
  }

  /**
   * Makes {@code ids} the voters of {@code r}, keeping its learners learners (etcd's network does
   * the same to the state machines it is given), and resets its progress.
   */
  private static void reconfigure(Raft r, long[] ids) {
    MajorityConfig oldLearners = r.trk.config().learners();
    ProgressTracker trk = new ProgressTracker(r.trk.maxInflight(), r.trk.maxInflightBytes());
    MajorityConfig voters = new MajorityConfig();
    MajorityConfig learners = new MajorityConfig();
    ProgressMap prs = new ProgressMap();
    for (long id : ids) {
      boolean learner = oldLearners.contains(id);
      if (learner) {
        learners.add(id);
      } else {
        voters.add(id);
      }
      prs.put(
          id,
          new Progress(
              0, 0, new Inflights(trk.maxInflight(), trk.maxInflightBytes()), learner, false));
    }
    trk.setConfig(
        new TrackerConfig(
            new JointConfig(voters, new MajorityConfig()), learners, new MajorityConfig(), false));
    trk.setProgress(prs);
    r.trk = trk;
    r.reset(r.term);
  }

  private void add(long id, Raft r) {
    RaftInvariants.track(r);
    rafts.put(id, r);
    peers.put(
        id,
        new StateMachine() {
          @Override
          public void step(Message m) {
            try {
              r.step(m);
            } catch (ProposalDroppedException e) {
              // as etcd's network, which ignores Step errors
            }
            RaftTestUtil.advanceMessagesAfterAppend(r);
          }

          @Override
          public List<Message> readMessages() {
            return RaftTestUtil.readMessages(r);
          }
        });
  }

  Raft raft(long id) {
    return rafts.get(id);
  }

  /** Delivers {@code msgs} and all messages they cause, breadth first. */
  void send(Message... msgs) {
    ArrayDeque<Message> queue = new ArrayDeque<>(List.of(msgs));
    while (!queue.isEmpty()) {
      Message m = queue.poll();
      StateMachine p = peers.get(m.getTo());
      p.step(m);
      queue.addAll(filter(p.readMessages()));
    }
  }

  /** Drops a fraction {@code perc} of the messages from {@code from} to {@code to}. */
  void drop(long from, long to, double perc) {
    dropm.put(new Conn(from, to), perc);
  }

  /** Drops everything between {@code one} and {@code other}, both ways. */
  void cut(long one, long other) {
    drop(one, other, 2.0);
    drop(other, one, 2.0);
  }

  /** Drops everything to and from {@code id}. */
  void isolate(long id) {
    for (int i = 0; i < peers.size(); i++) {
      long nid = i + 1;
      if (nid != id) {
        drop(id, nid, 1.0);
        drop(nid, id, 1.0);
      }
    }
  }

  /** Drops every message of type {@code t}. */
  void ignore(MessageType t) {
    ignorem.add(t);
  }

  /** Heals all drops and ignores. */
  void recover() {
    dropm.clear();
    ignorem.clear();
  }

  private List<Message> filter(List<Message> msgs) {
    List<Message> mm = new ArrayList<>();
    for (Message m : msgs) {
      if (ignorem.contains(m.getType())) {
        continue;
      }
      if (m.getType() == MessageType.MsgHup) {
        throw new IllegalStateException("unexpected msgHup");
      }
      double perc = dropm.getOrDefault(new Conn(m.getFrom(), m.getTo()), 0.0);
      if (rand.nextDouble() < perc) {
        continue;
      }
      if (msgHook != null && !msgHook.test(m)) {
        continue;
      }
      mm.add(m);
    }
    return mm;
  }
}
