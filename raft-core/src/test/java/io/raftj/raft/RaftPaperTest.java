package io.raftj.raft;

import static io.raftj.raft.RaftTestUtil.acceptAndReply;
import static io.raftj.raft.RaftTestUtil.advanceMessagesAfterAppend;
import static io.raftj.raft.RaftTestUtil.bytes;
import static io.raftj.raft.RaftTestUtil.commitNoopEntry;
import static io.raftj.raft.RaftTestUtil.data;
import static io.raftj.raft.RaftTestUtil.idsBySize;
import static io.raftj.raft.RaftTestUtil.msg;
import static io.raftj.raft.RaftTestUtil.mustAppendEntry;
import static io.raftj.raft.RaftTestUtil.newTestMemoryStorage;
import static io.raftj.raft.RaftTestUtil.newTestRaft;
import static io.raftj.raft.RaftTestUtil.readMessages;
import static io.raftj.raft.RaftTestUtil.sorted;
import static io.raftj.raft.RaftTestUtil.withPeers;
import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ports etcd's raft_paper_test.go: the Raft paper's rules, section by section (§5.1 terms, §5.2
 * elections, §5.3 log replication, §5.4 safety).
 */
final class RaftPaperTest {

  private static Raft raft3() {
    return newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
  }

  private static void enterState(Raft r, StateType state) {
    switch (state) {
      case STATE_FOLLOWER:
        r.becomeFollower(1, 2);
        break;
      case STATE_CANDIDATE:
        r.becomeCandidate();
        break;
      case STATE_LEADER:
        r.becomeCandidate();
        r.becomeLeader();
        break;
      default:
        throw new IllegalArgumentException(state.toString());
    }
  }

  // §5.1: a server seeing a higher term updates its term and reverts to follower.
  @ParameterizedTest
  @EnumSource(
      value = StateType.class,
      names = {"STATE_FOLLOWER", "STATE_CANDIDATE", "STATE_LEADER"})
  void updateTermFromMessage(StateType state) {
    Raft r = raft3();
    enterState(r, state);
    r.step(Message.newBuilder().setType(MessageType.MsgApp).setTerm(2).build());
    assertThat(r.term).isEqualTo(2);
    assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  // §5.1: a request with a stale term is rejected (here: ignored without reply).
  @Test
  void rejectStaleTermMessage() {
    Raft r = raft3();
    r.loadState(HardState.newBuilder().setTerm(2).build());
    r.step(Message.newBuilder().setType(MessageType.MsgApp).setTerm(r.term - 1).setFrom(2).build());
    assertThat(readMessages(r)).isEmpty();
    assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(r.lead).isEqualTo(RaftConstants.NONE);
  }

  // §5.2: servers start as followers.
  @Test
  void startAsFollower() {
    assertThat(raft3().state).isEqualTo(StateType.STATE_FOLLOWER);
  }

  // §5.2: the leader sends heartbeats to all followers every heartbeat interval.
  @Test
  void leaderBcastBeat() {
    int hi = 1;
    Raft r = newTestRaft(1, 10, hi, newTestMemoryStorage(withPeers(1, 2, 3)));
    r.becomeCandidate();
    r.becomeLeader();
    for (int i = 0; i < 10; i++) {
      mustAppendEntry(r, Entry.newBuilder().setIndex(i + 1).build());
    }
    for (int i = 0; i < hi; i++) {
      r.tick();
    }
    assertThat(sorted(readMessages(r)))
        .containsExactly(
            msg(1, 2, MessageType.MsgHeartbeat).setTerm(1).setCommit(0).build(),
            msg(1, 3, MessageType.MsgHeartbeat).setTerm(1).setCommit(0).build());
  }

  // §5.2: a follower or candidate that hears nothing for an election timeout starts an election.
  @ParameterizedTest
  @EnumSource(
      value = StateType.class,
      names = {"STATE_FOLLOWER", "STATE_CANDIDATE"})
  void nonleaderStartElection(StateType state) {
    int et = 10;
    Raft r = newTestRaft(1, et, 1, newTestMemoryStorage(withPeers(1, 2, 3)));
    enterState(r, state);
    for (int i = 1; i < 2 * et; i++) {
      r.tick();
    }
    advanceMessagesAfterAppend(r);
    assertThat(r.term).isEqualTo(2);
    assertThat(r.state).isEqualTo(StateType.STATE_CANDIDATE);
    assertThat(r.trk.votes().get(r.id)).isTrue();
    assertThat(sorted(readMessages(r)))
        .containsExactly(
            msg(1, 2, MessageType.MsgVote).setTerm(2).setIndex(0).setLogTerm(0).build(),
            msg(1, 3, MessageType.MsgVote).setTerm(2).setIndex(0).setLogTerm(0).build());
  }

  record ElectionCase(int size, Map<Long, Boolean> votes, StateType state) {}

  static List<ElectionCase> leaderElectionInOneRoundRpcCases() {
    return List.of(
        // Win with a majority of votes.
        new ElectionCase(1, Map.of(), StateType.STATE_LEADER),
        new ElectionCase(3, Map.of(2L, true, 3L, true), StateType.STATE_LEADER),
        new ElectionCase(3, Map.of(2L, true), StateType.STATE_LEADER),
        new ElectionCase(5, Map.of(2L, true, 3L, true, 4L, true, 5L, true), StateType.STATE_LEADER),
        new ElectionCase(5, Map.of(2L, true, 3L, true, 4L, true), StateType.STATE_LEADER),
        new ElectionCase(5, Map.of(2L, true, 3L, true), StateType.STATE_LEADER),
        // Return to follower on a majority of rejections.
        new ElectionCase(3, Map.of(2L, false, 3L, false), StateType.STATE_FOLLOWER),
        new ElectionCase(
            5, Map.of(2L, false, 3L, false, 4L, false, 5L, false), StateType.STATE_FOLLOWER),
        new ElectionCase(
            5, Map.of(2L, true, 3L, false, 4L, false, 5L, false), StateType.STATE_FOLLOWER),
        // Stay candidate without a majority either way.
        new ElectionCase(3, Map.of(), StateType.STATE_CANDIDATE),
        new ElectionCase(5, Map.of(2L, true), StateType.STATE_CANDIDATE),
        new ElectionCase(5, Map.of(2L, false, 3L, false), StateType.STATE_CANDIDATE),
        new ElectionCase(5, Map.of(), StateType.STATE_CANDIDATE));
  }

  // §5.2: a candidate wins with a majority, loses to a majority of rejections, else waits.
  @ParameterizedTest
  @MethodSource("leaderElectionInOneRoundRpcCases")
  void leaderElectionInOneRoundRpc(ElectionCase tt) {
    Raft r = newTestRaft(1, 10, 1, newTestMemoryStorage(withPeers(idsBySize(tt.size()))));
    r.step(msg(1, 1, MessageType.MsgHup).build());
    advanceMessagesAfterAppend(r);
    for (Map.Entry<Long, Boolean> v : tt.votes().entrySet()) {
      r.step(
          msg(v.getKey(), 1, MessageType.MsgVoteResp)
              .setTerm(r.term)
              .setReject(!v.getValue())
              .build());
    }
    assertThat(r.state).isEqualTo(tt.state());
    assertThat(r.term).isEqualTo(1);
  }

  record VoteCase(long vote, long nvote, boolean wantReject) {}

  static List<VoteCase> followerVoteCases() {
    return List.of(
        new VoteCase(RaftConstants.NONE, 2, false),
        new VoteCase(RaftConstants.NONE, 3, false),
        new VoteCase(2, 2, false),
        new VoteCase(3, 3, false),
        new VoteCase(2, 3, true),
        new VoteCase(3, 2, true));
  }

  // §5.2: each server votes for at most one candidate per term, first come first served.
  @ParameterizedTest
  @MethodSource("followerVoteCases")
  void followerVote(VoteCase tt) {
    Raft r = raft3();
    r.loadState(HardState.newBuilder().setTerm(1).setVote(tt.vote()).build());
    r.step(msg(tt.nvote(), 1, MessageType.MsgVote).setTerm(1).build());
    Message.Builder expected = msg(1, tt.nvote(), MessageType.MsgVoteResp).setTerm(1);
    if (tt.wantReject()) {
      expected.setReject(true);
    }
    assertThat(r.msgsAfterAppend).containsExactly(expected.build());
  }

  // §5.2: a candidate that hears from a leader of at least its term becomes follower.
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2})
  void candidateFallback(long term) {
    Raft r = raft3();
    r.step(msg(1, 1, MessageType.MsgHup).build());
    assertThat(r.state).isEqualTo(StateType.STATE_CANDIDATE);
    r.step(msg(2, 1, MessageType.MsgApp).setTerm(term).build());
    assertThat(r.state).isEqualTo(StateType.STATE_FOLLOWER);
    assertThat(r.term).isEqualTo(term);
  }

  // §5.2: election timeouts are chosen randomly from [et, 2et-1].
  @ParameterizedTest
  @EnumSource(
      value = StateType.class,
      names = {"STATE_FOLLOWER", "STATE_CANDIDATE"})
  void nonleaderElectionTimeoutRandomized(StateType state) {
    int et = 10;
    Config cfg =
        RaftTestUtil.newTestConfig(1, et, 1, newTestMemoryStorage(withPeers(1, 2, 3)))
            .setRandom(new java.util.Random(7));
    Raft r = new Raft(cfg);
    Set<Integer> timeouts = new HashSet<>();
    for (int round = 0; round < 50 * et; round++) {
      if (state == StateType.STATE_FOLLOWER) {
        r.becomeFollower(r.term + 1, 2);
      } else {
        r.becomeCandidate();
      }
      int time = 0;
      while (readMessages(r).isEmpty()) {
        r.tick();
        time++;
      }
      timeouts.add(time);
    }
    for (int d = et; d < 2 * et; d++) {
      assertThat(timeouts).as("timeout in %d ticks should happen", d).contains(d);
    }
    assertThat(timeouts).allMatch(t -> t >= et && t < 2 * et);
  }

  // §5.2: randomized timeouts make split votes rare.
  @ParameterizedTest
  @EnumSource(
      value = StateType.class,
      names = {"STATE_FOLLOWER", "STATE_CANDIDATE"})
  void nonleadersElectionTimeoutNonconflict(StateType state) {
    int et = 10;
    int size = 5;
    long[] ids = idsBySize(size);
    java.util.Random seed = new java.util.Random(42);
    List<Raft> rs = new ArrayList<>();
    for (long id : ids) {
      rs.add(
          new Raft(
              RaftTestUtil.newTestConfig(id, et, 1, newTestMemoryStorage(withPeers(ids)))
                  .setRandom(new java.util.Random(seed.nextLong()))));
    }
    int conflicts = 0;
    for (int round = 0; round < 1000; round++) {
      for (Raft r : rs) {
        if (state == StateType.STATE_FOLLOWER) {
          r.becomeFollower(r.term + 1, RaftConstants.NONE);
        } else {
          r.becomeCandidate();
        }
      }
      int timeoutNum = 0;
      while (timeoutNum == 0) {
        for (Raft r : rs) {
          r.tick();
          if (!readMessages(r).isEmpty()) {
            timeoutNum++;
          }
        }
      }
      if (timeoutNum > 1) {
        conflicts++;
      }
    }
    assertThat(conflicts / 1000.0).isLessThanOrEqualTo(0.3);
  }

  // §5.3: the leader appends the proposal and sends it to every follower.
  @Test
  void leaderStartReplication() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2, 3));
    Raft r = newTestRaft(1, 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    long li = r.raftLog.lastIndex();

    r.step(msg(1, 1, MessageType.MsgProp).addEntries(data("some data")).build());

    assertThat(r.raftLog.lastIndex()).isEqualTo(li + 1);
    assertThat(r.raftLog.committed()).isEqualTo(li);
    Entry went = Entry.newBuilder().setIndex(li + 1).setTerm(1).setData(bytes("some data")).build();
    assertThat(sorted(readMessages(r)))
        .containsExactly(
            msg(1, 2, MessageType.MsgApp)
                .setTerm(1)
                .setIndex(li)
                .setLogTerm(1)
                .addEntries(went)
                .setCommit(li)
                .build(),
            msg(1, 3, MessageType.MsgApp)
                .setTerm(1)
                .setIndex(li)
                .setLogTerm(1)
                .addEntries(went)
                .setCommit(li)
                .build());
    assertThat(r.raftLog.nextUnstableEnts()).containsExactly(went);
  }

  // §5.3: an entry replicated on a majority commits; followers learn the new commit index.
  @Test
  void leaderCommitEntry() {
    MemoryStorage s = newTestMemoryStorage(withPeers(1, 2, 3));
    Raft r = newTestRaft(1, 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    long li = r.raftLog.lastIndex();
    r.step(msg(1, 1, MessageType.MsgProp).addEntries(data("some data")).build());
    for (Message m : readMessages(r)) {
      r.step(acceptAndReply(m));
    }
    assertThat(r.raftLog.committed()).isEqualTo(li + 1);
    assertThat(r.raftLog.nextCommittedEnts(true))
        .containsExactly(
            Entry.newBuilder().setIndex(li + 1).setTerm(1).setData(bytes("some data")).build());
    List<Message> msgs = sorted(readMessages(r));
    for (int i = 0; i < msgs.size(); i++) {
      Message m = msgs.get(i);
      assertThat(m.getTo()).isEqualTo(i + 2);
      assertThat(m.getType()).isEqualTo(MessageType.MsgApp);
      assertThat(m.getCommit()).isEqualTo(li + 1);
    }
  }

  record AckCase(int size, Set<Long> nonLeaderAcceptors, boolean wantAck) {}

  static List<AckCase> leaderAcknowledgeCommitCases() {
    return List.of(
        new AckCase(1, Set.of(), true),
        new AckCase(3, Set.of(), false),
        new AckCase(3, Set.of(2L), true),
        new AckCase(3, Set.of(2L, 3L), true),
        new AckCase(5, Set.of(), false),
        new AckCase(5, Set.of(2L), false),
        new AckCase(5, Set.of(2L, 3L), true),
        new AckCase(5, Set.of(2L, 3L, 4L), true),
        new AckCase(5, Set.of(2L, 3L, 4L, 5L), true));
  }

  // §5.3: an entry commits once the leader that created it has it on a majority.
  @ParameterizedTest
  @MethodSource("leaderAcknowledgeCommitCases")
  void leaderAcknowledgeCommit(AckCase tt) {
    MemoryStorage s = newTestMemoryStorage(withPeers(idsBySize(tt.size())));
    Raft r = newTestRaft(1, 10, 1, s);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r, s);
    long li = r.raftLog.lastIndex();
    r.step(msg(1, 1, MessageType.MsgProp).addEntries(data("some data")).build());
    advanceMessagesAfterAppend(r);
    for (Message m : new ArrayList<>(r.msgs)) {
      if (tt.nonLeaderAcceptors().contains(m.getTo())) {
        r.step(acceptAndReply(m));
      }
    }
    assertThat(r.raftLog.committed() > li).isEqualTo(tt.wantAck());
  }

  static List<List<Entry>> leaderCommitPrecedingEntriesCases() {
    return List.of(List.of(), index(1).terms(2), index(1).terms(1, 2), index(1).terms(1));
  }

  // §5.3: committing an entry commits all preceding ones, including earlier leaders'.
  @ParameterizedTest
  @MethodSource("leaderCommitPrecedingEntriesCases")
  void leaderCommitPrecedingEntries(List<Entry> tt) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2, 3));
    storage.append(tt);
    Raft r = newTestRaft(1, 10, 1, storage);
    r.loadState(HardState.newBuilder().setTerm(2).build());
    r.becomeCandidate();
    r.becomeLeader();
    r.step(msg(1, 1, MessageType.MsgProp).addEntries(data("some data")).build());
    for (Message m : readMessages(r)) {
      r.step(acceptAndReply(m));
    }
    long li = tt.size();
    List<Entry> want = new ArrayList<>(tt);
    want.add(Entry.newBuilder().setTerm(3).setIndex(li + 1).build());
    want.add(Entry.newBuilder().setTerm(3).setIndex(li + 2).setData(bytes("some data")).build());
    assertThat(r.raftLog.nextCommittedEnts(true)).isEqualTo(want);
  }

  record FollowerCommitCase(List<Entry> ents, long commit) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static List<FollowerCommitCase> followerCommitEntryCases() {
    Entry d1 = Entry.newBuilder().setTerm(1).setIndex(1).setData(bytes("some data")).build();
    Entry d2 = Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("some data2")).build();
    Entry e1 = Entry.newBuilder().setTerm(1).setIndex(1).setData(bytes("some data2")).build();
    Entry e2 = Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("some data")).build();
    return List.of(
        new FollowerCommitCase(List.of(d1), 1),
        new FollowerCommitCase(List.of(d1, d2), 2),
        new FollowerCommitCase(List.of(e1, e2), 2),
        new FollowerCommitCase(List.of(d1, d2), 1));
  }

  // §5.3: a follower applies entries once it learns they are committed.
  @ParameterizedTest
  @MethodSource("followerCommitEntryCases")
  void followerCommitEntry(FollowerCommitCase tt) {
    Raft r = raft3();
    r.becomeFollower(1, 2);
    r.step(
        msg(2, 1, MessageType.MsgApp)
            .setTerm(1)
            .addAllEntries(tt.ents())
            .setCommit(tt.commit())
            .build());
    assertThat(r.raftLog.committed()).isEqualTo(tt.commit());
    assertThat(r.raftLog.nextCommittedEnts(true))
        .isEqualTo(tt.ents().subList(0, (int) tt.commit()));
  }

  record CheckCase(
      long term,
      long index,
      long wantIndex,
      boolean wantReject,
      long wantRejectHint,
      long wantLogTerm) {}

  static List<CheckCase> followerCheckMsgAppCases() {
    return List.of(
        // Match with a committed entry.
        new CheckCase(0, 0, 1, false, 0, 0),
        new CheckCase(1, 1, 1, false, 0, 0),
        // Match with an uncommitted entry.
        new CheckCase(2, 2, 2, false, 0, 0),
        // Unmatched with an existing entry.
        new CheckCase(1, 2, 2, true, 1, 1),
        // Unexisting entry.
        new CheckCase(3, 3, 3, true, 2, 2));
  }

  // §5.3: the consistency check: a follower refuses entries that do not attach to its log.
  @ParameterizedTest
  @MethodSource("followerCheckMsgAppCases")
  void followerCheckMsgApp(CheckCase tt) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2, 3));
    storage.append(index(1).terms(1, 2));
    Raft r = newTestRaft(1, 10, 1, storage);
    r.loadState(HardState.newBuilder().setCommit(1).build());
    r.becomeFollower(2, 2);
    r.step(
        msg(2, 1, MessageType.MsgApp)
            .setTerm(2)
            .setLogTerm(tt.term())
            .setIndex(tt.index())
            .build());
    Message.Builder expected =
        msg(1, 2, MessageType.MsgAppResp).setTerm(2).setIndex(tt.wantIndex());
    if (tt.wantReject()) {
      expected.setReject(true).setRejectHint(tt.wantRejectHint()).setLogTerm(tt.wantLogTerm());
    }
    assertThat(readMessages(r)).containsExactly(expected.build());
  }

  record AppendCase(
      long index, long term, List<Entry> ents, List<Entry> wantEnts, List<Entry> wantUnstable) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static List<AppendCase> followerAppendEntriesCases() {
    return List.of(
        new AppendCase(2, 2, index(3).terms(3), index(1).terms(1, 2, 3), index(3).terms(3)),
        new AppendCase(1, 1, index(2).terms(3, 4), index(1).terms(1, 3, 4), index(2).terms(3, 4)),
        new AppendCase(0, 0, index(1).terms(1), index(1).terms(1, 2), List.of()),
        new AppendCase(0, 0, index(1).terms(3), index(1).terms(3), index(1).terms(3)));
  }

  // §5.3: a follower deletes conflicting entries and appends the new ones.
  @ParameterizedTest
  @MethodSource("followerAppendEntriesCases")
  void followerAppendEntries(AppendCase tt) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2, 3));
    storage.append(index(1).terms(1, 2));
    Raft r = newTestRaft(1, 10, 1, storage);
    r.becomeFollower(2, 2);
    r.step(
        msg(2, 1, MessageType.MsgApp)
            .setTerm(2)
            .setLogTerm(tt.term())
            .setIndex(tt.index())
            .addAllEntries(tt.ents())
            .build());
    assertThat(r.raftLog.allEntries()).isEqualTo(tt.wantEnts());
    assertThat(r.raftLog.nextUnstableEnts()).isEqualTo(tt.wantUnstable());
  }

  static List<List<Entry>> leaderSyncFollowerLogCases() {
    return List.of(
        index(0).terms(0, 1, 1, 1, 4, 4, 5, 5, 6, 6),
        index(0).terms(0, 1, 1, 1, 4, 4),
        index(0).terms(0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6),
        index(0).terms(0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7),
        index(0).terms(0, 1, 1, 1, 4, 4, 4, 4),
        index(0).terms(0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3));
  }

  // §5.3: the leader brings an inconsistent follower's log in line with its own (Figure 7).
  @ParameterizedTest
  @MethodSource("leaderSyncFollowerLogCases")
  void leaderSyncFollowerLog(List<Entry> tt) {
    List<Entry> ents = index(0).terms(0, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6);
    long term = 8;
    MemoryStorage leadStorage = newTestMemoryStorage(withPeers(1, 2, 3));
    leadStorage.append(ents.subList(1, ents.size()));
    Raft lead = newTestRaft(1, 10, 1, leadStorage);
    lead.loadState(
        HardState.newBuilder().setCommit(lead.raftLog.lastIndex()).setTerm(term).build());
    MemoryStorage followerStorage = newTestMemoryStorage(withPeers(1, 2, 3));
    followerStorage.append(tt.subList(1, tt.size()));
    Raft follower = newTestRaft(2, 10, 1, followerStorage);
    follower.loadState(HardState.newBuilder().setTerm(term - 1).build());
    // The follower's vote would be rejected: its log is behind, but elect 1 with 3's vote.
    Network n = Network.withConfig(null, lead, follower, Network.BLACK_HOLE);
    n.send(msg(1, 1, MessageType.MsgHup).build());
    n.send(msg(3, 1, MessageType.MsgVoteResp).setTerm(term + 1).build());
    n.send(msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());

    assertThat(follower.raftLog.allEntries()).isEqualTo(lead.raftLog.allEntries());
    assertThat(follower.raftLog.committed()).isEqualTo(lead.raftLog.committed());
  }

  record VoteRequestCase(List<Entry> ents, long wantTerm) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  // §5.4.1: a vote request carries the candidate's last log term and index.
  @ParameterizedTest
  @MethodSource("voteRequestCases")
  void voteRequest(VoteRequestCase tt) {
    Raft r = raft3();
    r.step(
        msg(2, 1, MessageType.MsgApp)
            .setTerm(tt.wantTerm() - 1)
            .setLogTerm(0)
            .setIndex(0)
            .addAllEntries(tt.ents())
            .build());
    readMessages(r);
    for (int i = 1; i < r.electionTimeout * 2; i++) {
      r.tickElection();
    }
    List<Message> msgs = sorted(readMessages(r));
    assertThat(msgs).hasSize(2);
    Entry last = tt.ents().get(tt.ents().size() - 1);
    for (int i = 0; i < msgs.size(); i++) {
      Message m = msgs.get(i);
      assertThat(m.getType()).isEqualTo(MessageType.MsgVote);
      assertThat(m.getTo()).isEqualTo(i + 2);
      assertThat(m.getTerm()).isEqualTo(tt.wantTerm());
      assertThat(m.getIndex()).isEqualTo(last.getIndex());
      assertThat(m.getLogTerm()).isEqualTo(last.getTerm());
    }
  }

  static List<VoteRequestCase> voteRequestCases() {
    return List.of(
        new VoteRequestCase(index(1).terms(1), 2), new VoteRequestCase(index(1).terms(1, 2), 3));
  }

  record VoterCase(List<Entry> ents, long logTerm, long index, boolean wantReject) {
    @Override
    public String toString() {
      return CaseNames.of(this);
    }
  }

  static List<VoterCase> voterCases() {
    return List.of(
        // Same log term.
        new VoterCase(index(1).terms(1), 1, 1, false),
        new VoterCase(index(1).terms(1), 1, 2, false),
        new VoterCase(index(1).terms(1, 1), 1, 1, true),
        // Candidate's last term is higher.
        new VoterCase(index(1).terms(1), 2, 1, false),
        new VoterCase(index(1).terms(1), 2, 2, false),
        new VoterCase(index(1).terms(1, 1), 2, 1, false),
        // Voter's last term is higher.
        new VoterCase(index(1).terms(2), 1, 1, true),
        new VoterCase(index(1).terms(2), 1, 2, true),
        new VoterCase(index(1).terms(2, 2), 1, 1, true),
        new VoterCase(index(1).terms(1, 1), 1, 1, true));
  }

  // §5.4.1: a voter denies its vote if its own log is more up-to-date than the candidate's.
  @ParameterizedTest
  @MethodSource("voterCases")
  void voter(VoterCase tt) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2));
    storage.append(tt.ents());
    Raft r = newTestRaft(1, 10, 1, storage);
    r.step(
        msg(2, 1, MessageType.MsgVote)
            .setTerm(3)
            .setLogTerm(tt.logTerm())
            .setIndex(tt.index())
            .build());
    List<Message> msgs = readMessages(r);
    assertThat(msgs).hasSize(1);
    assertThat(msgs.get(0).getType()).isEqualTo(MessageType.MsgVoteResp);
    assertThat(msgs.get(0).getReject()).isEqualTo(tt.wantReject());
  }

  // §5.4.2: a leader commits only entries of its current term by counting replicas.
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"1, 0", "2, 0", "3, 3"})
  void leaderOnlyCommitsLogFromCurrentTerm(long index, long wantCommit) {
    MemoryStorage storage = newTestMemoryStorage(withPeers(1, 2));
    storage.append(index(1).terms(1, 2));
    Raft r = newTestRaft(1, 10, 1, storage);
    r.loadState(HardState.newBuilder().setTerm(2).build());
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.step(msg(1, 1, MessageType.MsgProp).addEntries(Entry.getDefaultInstance()).build());
    r.step(msg(2, 1, MessageType.MsgAppResp).setTerm(r.term).setIndex(index).build());
    advanceMessagesAfterAppend(r);
    assertThat(r.raftLog.committed()).isEqualTo(wantCommit);
  }
}
