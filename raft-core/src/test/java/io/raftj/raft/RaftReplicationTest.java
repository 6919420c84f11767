package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.nextEnts;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.tracker.internal.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ports the log-replication and commit tests of etcd's raft_test.go. */
final class RaftReplicationTest {

  private static Message hup(long id) {
    return msg(id, id, MessageType.MsgHup).build();
  }

  private static Message prop(long from, long to, String data) {
    return msg(from, to, MessageType.MsgProp).addEntries(data(data)).build();
  }

  /** Proposals commit on every node, also after a new leader takes over. */
  @Test
  void logReplication() {
    record Case(List<Message> msgs, long wantCommitted) {
      @Override
      public String toString() {
        return CaseNames.of(this);
      }
    }
    List<Case> cases =
        List.of(
            new Case(List.of(prop(1, 1, "somedata")), 2),
            new Case(
                List.of(
                    prop(1, 1, "somedata"),
                    msg(1, 2, MessageType.MsgHup).build(),
                    prop(1, 2, "somedata")),
                4));
    for (Case tt : cases) {
      Network nw = Network.of(3);
      nw.send(hup(1));
      for (Message m : tt.msgs()) {
        nw.send(m);
      }
      for (long id = 1; id <= 3; id++) {
        Raft sm = nw.raft(id);
        assertThat(sm.raftLog.committed()).isEqualTo(tt.wantCommitted());
        List<Entry> ents = new ArrayList<>();
        for (Entry e : nextEnts(sm, nw.storage.get(id))) {
          if (e.hasData()) {
            ents.add(e);
          }
        }
        int k = 0;
        for (Message m : tt.msgs()) {
          if (m.getType() == MessageType.MsgProp) {
            assertThat(ents.get(k++).getData()).isEqualTo(m.getEntries(0).getData());
          }
        }
      }
    }
  }

  @Test
  void singleNodeCommit() {
    Network tt = Network.of(1);
    tt.send(hup(1));
    tt.send(prop(1, 1, "some data"));
    tt.send(prop(1, 1, "some data"));
    assertThat(tt.raft(1).raftLog.committed()).isEqualTo(3);
  }

  /** Five nodes; leader 1 reaches only node 2 and has two uncommitted proposals. */
  private static Network leaderCutOffFromMajority() {
    Network tt = Network.of(5);
    tt.send(hup(1));
    tt.cut(1, 3);
    tt.cut(1, 4);
    tt.cut(1, 5);
    tt.send(prop(1, 1, "some data"));
    tt.send(prop(1, 1, "some data"));
    assertThat(tt.raft(1).raftLog.committed()).isEqualTo(1);
    return tt;
  }

  /**
   * Entries of an earlier term are not committed by counting replicas, until an entry of the
   * current term commits (Raft §5.4.2).
   */
  @Test
  void cannotCommitWithoutNewTermEntry() {
    Network tt = leaderCutOffFromMajority();
    Raft sm = tt.raft(1);

    // Network recovery, but the new leader cannot append.
    tt.recover();
    tt.ignore(MessageType.MsgApp);
    tt.send(hup(2));
    sm = tt.raft(2);
    assertThat(sm.raftLog.committed()).isEqualTo(1);

    // Network recovery: the new leader's empty entry and a proposal commit everything.
    tt.recover();
    tt.send(msg(2, 2, MessageType.MsgBeat).build());
    tt.send(prop(2, 2, "some data"));
    assertThat(sm.raftLog.committed()).isEqualTo(5);
  }

  /** The new leader's empty entry commits the entries of earlier terms. */
  @Test
  void commitWithoutNewTermEntry() {
    Network tt = leaderCutOffFromMajority();
    Raft sm = tt.raft(1);

    tt.recover();
    // Elect 2 as the new leader with term 2; after appending its empty entry, the earlier
    // entries commit too.
    tt.send(hup(2));
    assertThat(sm.raftLog.committed()).isEqualTo(4);
  }

  static List<Object[]> proposalCases() {
    Object bh = Network.BLACK_HOLE;
    return List.of(
        new Object[] {new Object[] {null, null, null}, true},
        new Object[] {new Object[] {null, null, bh}, true},
        new Object[] {new Object[] {null, bh, bh}, false},
        new Object[] {new Object[] {null, bh, bh, null}, false},
        new Object[] {new Object[] {null, bh, bh, null, null}, true});
  }

  /** A proposal commits on every reachable node when a quorum is up, and nowhere otherwise. */
  @ParameterizedTest
  @MethodSource("proposalCases")
  void proposal(Object[] peers, boolean success) {
    Network tt = Network.withConfig(null, peers);
    tt.send(hup(1));
    tt.send(prop(1, 1, "somedata"));
    List<Entry> want =
        success
            ? List.of(
                Entry.newBuilder().setTerm(1).setIndex(1).build(),
                Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("somedata")).build())
            : List.of();
    for (Raft sm : tt.rafts.values()) {
      assertThat(sm.raftLog.allEntries()).isEqualTo(want);
      assertThat(sm.raftLog.committed()).isEqualTo(success ? 2 : 0);
    }
    assertThat(tt.raft(1).term).isEqualTo(1);
  }

  /** A follower forwards proposals to the leader. */
  @ParameterizedTest
  @MethodSource("proxyCases")
  void proposalByProxy(Object[] peers) {
    Network tt = Network.withConfig(null, peers);
    tt.send(hup(1));
    // Propose via a follower.
    tt.send(prop(2, 2, "somedata"));
    List<Entry> want =
        List.of(
            Entry.newBuilder().setTerm(1).setIndex(1).build(),
            Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("somedata")).build());
    for (Raft sm : tt.rafts.values()) {
      assertThat(sm.raftLog.allEntries()).isEqualTo(want);
      assertThat(sm.raftLog.committed()).isEqualTo(2);
    }
    assertThat(tt.raft(1).term).isEqualTo(1);
  }

  static List<Object[]> proxyCases() {
    return List.of(
        new Object[] {new Object[] {null, null, null}},
        new Object[] {new Object[] {null, null, Network.BLACK_HOLE}});
  }

  record CommitCase(long[] matches, List<Entry> logs, long smTerm, long want) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static List<CommitCase> commitCases() {
    return List.of(
        // Single.
        new CommitCase(new long[] {1}, index(1).terms(1), 1, 1),
        new CommitCase(new long[] {1}, index(1).terms(1), 2, 0),
        new CommitCase(new long[] {2}, index(1).terms(1, 2), 2, 2),
        new CommitCase(new long[] {1}, index(1).terms(2), 2, 1),
        // Odd.
        new CommitCase(new long[] {2, 1, 1}, index(1).terms(1, 2), 1, 1),
        new CommitCase(new long[] {2, 1, 1}, index(1).terms(1, 1), 2, 0),
        new CommitCase(new long[] {2, 1, 2}, index(1).terms(1, 2), 2, 2),
        new CommitCase(new long[] {2, 1, 2}, index(1).terms(1, 1), 2, 0),
        // Even.
        new CommitCase(new long[] {2, 1, 1, 1}, index(1).terms(1, 2), 1, 1),
        new CommitCase(new long[] {2, 1, 1, 1}, index(1).terms(1, 1), 2, 0),
        new CommitCase(new long[] {2, 1, 1, 2}, index(1).terms(1, 2), 1, 1),
        new CommitCase(new long[] {2, 1, 1, 2}, index(1).terms(1, 1), 2, 0),
        new CommitCase(new long[] {2, 1, 2, 2}, index(1).terms(1, 2), 2, 2),
        new CommitCase(new long[] {2, 1, 2, 2}, index(1).terms(1, 1), 2, 0));
  }

  /** The leader commits the quorum's match index only if that entry is of its term. */
  @ParameterizedTest
  @MethodSource("commitCases")
  void commit(CommitCase tt) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1));
    storage.append(tt.logs());
    storage.setHardState(HardState.newBuilder().setTerm(tt.smTerm()).build());
    Raft sm = newTestRaft(1, 10, 2, storage);
    for (int j = 0; j < tt.matches().length; j++) {
      long id = j + 1;
      if (id > 1) {
        sm.applyConfChange(
            ConfChangeI.of(
                    ConfChange.newBuilder()
                        .setType(ConfChangeType.ConfChangeAddNode)
                        .setNodeId(id)
                        .build())
                .asV2());
      }
      Progress pr = sm.trk.progress().get(id);
      pr.setMatch(tt.matches()[j]);
      pr.setNext(tt.matches()[j] + 1);
    }
    sm.maybeCommit();
    assertThat(sm.raftLog.committed()).isEqualTo(tt.want());
  }

  record AppCase(Message m, long wantIndex, long wantCommit, boolean wantReject) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  private static Message app(long term, long logTerm, long index, long commit, Entry... ents) {
    return Message.newBuilder()
        .setType(MessageType.MsgApp)
        .setTerm(term)
        .setLogTerm(logTerm)
        .setIndex(index)
        .setCommit(commit)
        .addAllEntries(List.of(ents))
        .build();
  }

  static List<AppCase> handleMsgAppCases() {
    return List.of(
        // Ensure 1: reply false if the log has no entry at prevLogIndex with prevLogTerm.
        new AppCase(app(2, 3, 2, 3), 2, 0, true), // previous log mismatch
        new AppCase(app(2, 3, 3, 3), 2, 0, true), // previous log non-exist
        // Ensure 2: accept and append.
        new AppCase(app(2, 1, 1, 1), 2, 1, false),
        new AppCase(app(2, 0, 0, 1, RaftTestUtil.entry(2, 1)), 1, 1, false),
        new AppCase(
            app(2, 2, 2, 3, RaftTestUtil.entry(2, 3), RaftTestUtil.entry(2, 4)), 4, 3, false),
        new AppCase(app(2, 2, 2, 4, RaftTestUtil.entry(2, 3)), 3, 3, false),
        new AppCase(app(2, 1, 1, 4, RaftTestUtil.entry(2, 2)), 2, 2, false),
        // Ensure 3: commit up to the last new entry.
        new AppCase(app(1, 1, 1, 3), 2, 1, false),
        new AppCase(app(1, 1, 1, 3, RaftTestUtil.entry(2, 2)), 2, 2, false),
        new AppCase(app(2, 2, 2, 3), 2, 2, false),
        new AppCase(app(2, 2, 2, 4), 2, 2, false));
  }

  /** The follower's append rules (Raft §5.3). */
  @ParameterizedTest
  @MethodSource("handleMsgAppCases")
  void handleMsgApp(AppCase tt) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1));
    storage.append(index(1).terms(1, 2));
    Raft sm = newTestRaft(1, 10, 1, storage);
    sm.becomeFollower(2, RaftConstants.NONE);
    sm.handleAppendEntries(tt.m());
    assertThat(sm.raftLog.lastIndex()).isEqualTo(tt.wantIndex());
    assertThat(sm.raftLog.committed()).isEqualTo(tt.wantCommit());
    List<Message> m = readMessages(sm);
    assertThat(m).hasSize(1);
    assertThat(m.get(0).getReject()).isEqualTo(tt.wantReject());
  }

  /** A heartbeat moves the commit index up, never down, and is answered. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"3, 3", "1, 2"})
  void handleHeartbeat(long commit, long wantCommit) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2));
    storage.append(index(1).terms(1, 2, 3));
    Raft sm = newTestRaft(1, 5, 1, storage);
    sm.becomeFollower(2, 2);
    sm.raftLog.commitTo(2);
    sm.handleHeartbeat(msg(2, 1, MessageType.MsgHeartbeat).setTerm(2).setCommit(commit).build());
    assertThat(sm.raftLog.committed()).isEqualTo(wantCommit);
    List<Message> m = readMessages(sm);
    assertThat(m).hasSize(1);
    assertThat(m.get(0).getType()).isEqualTo(MessageType.MsgHeartbeatResp);
  }

  /** Heartbeat responses get a lagging follower appends, and nothing once it caught up. */
  @Test
  void handleHeartbeatResp() {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2));
    storage.append(index(1).terms(1, 2, 3));
    Raft sm = newTestRaft(1, 5, 1, storage);
    sm.becomeCandidate();
    sm.becomeLeader();
    sm.raftLog.commitTo(sm.raftLog.lastIndex());

    // A heartbeat response from a node that is behind re-sends MsgApp.
    sm.step(msg(2, 0, MessageType.MsgHeartbeatResp).build());
    List<Message> msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);

    // A second heartbeat response generates another MsgApp re-send.
    sm.step(msg(2, 0, MessageType.MsgHeartbeatResp).build());
    msgs = readMessages(sm);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);

    // Once we have an MsgAppResp, heartbeats no longer send MsgApp.
    sm.step(
        msg(2, 0, MessageType.MsgAppResp)
            .setIndex(msgs.get(0).getIndex() + msgs.get(0).getEntriesCount())
            .build());
    readMessages(sm);
    sm.step(msg(2, 0, MessageType.MsgHeartbeatResp).build());
    assertThat(readMessages(sm)).isEmpty();
  }

  /** The leader's uncommitted tail is bounded by maxUncommittedEntriesSize (payload bytes). */
  @Test
  void uncommittedEntryLimit() {
    int maxEntries = 1024;
    Entry testEntry = data("testdata");
    long maxEntrySize = maxEntries * Util.payloadSize(testEntry);
    assertThat(Util.payloadSize(Entry.getDefaultInstance())).isZero();

    Config cfg =
        RaftTestUtil.newTestConfig(1, 5, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
            .setMaxUncommittedEntriesSize(maxEntrySize)
            .setMaxInflightMsgs(2 * 1024); // avoid interference
    Raft r = new Raft(cfg);
    r.becomeCandidate();
    r.becomeLeader();
    assertThat(r.uncommittedSize).isZero();

    // Set the two followers to the replicate state. Commit to tail of log.
    int numFollowers = 2;
    r.trk.progress().get(2).becomeReplicate();
    r.trk.progress().get(3).becomeReplicate();
    r.uncommittedSize = 0;

    // Send proposals to r1. The first maxEntries proposals are accepted; the next is dropped.
    Message propMsg = msg(1, 1, MessageType.MsgProp).addEntries(testEntry).build();
    List<Entry> propEnts = new ArrayList<>();
    for (int i = 0; i < maxEntries; i++) {
      r.step(propMsg);
      propEnts.add(testEntry);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.step(propMsg))
        .isSameAs(ProposalDroppedException.INSTANCE);

    // Read messages and reduce the uncommitted size as if we had committed these entries.
    assertThat(readMessages(r)).hasSize(maxEntries * numFollowers);
    r.reduceUncommittedSize(Util.payloadsSize(propEnts));
    assertThat(r.uncommittedSize).isZero();

    // A single large proposal is accepted even though it exceeds the limit on its own.
    List<Entry> large = new ArrayList<>();
    for (int i = 0; i < 2 * maxEntries; i++) {
      large.add(testEntry);
    }
    r.step(msg(1, 1, MessageType.MsgProp).addAllEntries(large).build());

    // Now the limit is exceeded: regular proposals are dropped, empty ones still go through.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.step(propMsg))
        .isSameAs(ProposalDroppedException.INSTANCE);
    r.step(msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());

    assertThat(readMessages(r)).hasSize(2 * numFollowers);
    r.reduceUncommittedSize(Util.payloadsSize(large));
    assertThat(r.uncommittedSize).isZero();
  }

  record RejectionCase(
      List<Entry> leaderLog,
      List<Entry> followerLog,
      long followerCompact,
      long rejectHintTerm,
      long rejectHintIndex,
      long nextAppendTerm,
      long nextAppendIndex) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static List<RejectionCase> fastLogRejectionCases() {
    return List.of(
        // The leader walks back a whole term per probe: the follower's hint skips its term-3
        // tail, the leader's lookup skips its term-4 entries.
        new RejectionCase(
            index(1).terms(1, 2, 2, 4, 4, 4, 4),
            index(1).terms(1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3),
            0,
            3,
            7,
            2,
            3),
        new RejectionCase(
            index(1).terms(1, 2, 2, 3, 4, 4, 4, 5),
            index(1).terms(1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3),
            0,
            3,
            8,
            3,
            4),
        new RejectionCase(index(1).terms(1, 1, 1, 1), index(1).terms(1, 2, 2, 4), 0, 1, 1, 1, 1),
        new RejectionCase(
            index(1).terms(1, 1, 1, 1, 1, 1), index(1).terms(1, 2, 2, 4), 0, 1, 1, 1, 1),
        new RejectionCase(
            index(1).terms(1, 1, 1, 1), index(1).terms(1, 2, 2, 4, 4, 4), 0, 1, 1, 1, 1),
        new RejectionCase(index(1).terms(1, 1, 1, 4, 5), index(1).terms(1, 1, 1, 4), 0, 4, 4, 4, 4),
        new RejectionCase(
            index(1).terms(2, 5, 5, 5, 5, 5, 5, 5, 5),
            index(1).terms(2, 4, 4, 4, 4, 4),
            0,
            4,
            6,
            2,
            1),
        new RejectionCase(
            index(1).terms(2, 2, 2, 2, 2), index(1).terms(2, 4, 4, 4, 4, 4, 4, 4), 0, 2, 1, 2, 1),
        // A follower whose log is compacted past the probe index hints with term 0.
        new RejectionCase(index(1).terms(1, 1, 3), index(1).terms(1, 1, 3, 3, 3), 5, 0, 3, 1, 2));
  }

  /** Rejection hints let the leader skip divergent terms in one round trip. */
  @ParameterizedTest
  @MethodSource("fastLogRejectionCases")
  void fastLogRejection(RejectionCase test) {
    MemoryStorage s1 = newTestMemoryStorage(withPeers(1, 2, 3));
    s1.append(test.leaderLog());
    Entry last = test.leaderLog().get(test.leaderLog().size() - 1);
    s1.setHardState(
        HardState.newBuilder().setTerm(last.getTerm() - 1).setCommit(last.getIndex()).build());
    Raft n1 = newTestRaft(1, 10, 1, s1);
    n1.becomeCandidate(); // bumps Term to last.getTerm()
    n1.becomeLeader();

    MemoryStorage s2 = newTestMemoryStorage(withPeers(1, 2, 3));
    s2.append(test.followerLog());
    s2.setHardState(HardState.newBuilder().setTerm(last.getTerm()).setVote(1).setCommit(0).build());
    Raft n2 = newTestRaft(2, 10, 1, s2);
    if (test.followerCompact() != 0) {
      s2.compact(test.followerCompact());
      // NB: the state of n2 after this compaction is not realistic: its commit index is 0.
    }

    n2.step(msg(1, 2, MessageType.MsgHeartbeat).build());
    List<Message> msgs = readMessages(n2);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgHeartbeatResp);

    n1.step(msgs.get(0));
    msgs = readMessages(n1);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgApp);

    n2.step(msgs.get(0));
    msgs = readMessages(n2);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgAppResp);
    assertThat(msgs.get(0).getReject()).isTrue();
    assertThat(msgs.get(0).getLogTerm()).as("hint log term").isEqualTo(test.rejectHintTerm());
    assertThat(msgs.get(0).getRejectHint()).as("hint log index").isEqualTo(test.rejectHintIndex());

    n1.step(msgs.get(0));
    msgs = readMessages(n1);
    assertThat(msgs.get(0).getLogTerm()).isEqualTo(test.nextAppendTerm());
    assertThat(msgs.get(0).getIndex()).isEqualTo(test.nextAppendIndex());
  }
}
