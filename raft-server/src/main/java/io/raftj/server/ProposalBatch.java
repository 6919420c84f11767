package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.ProposalDroppedException;
import io.raftj.raft.RawNode;
import io.raftj.raft.Ready;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The proposals that reached a group's loop in one turn, stepped into Raft together when the turn
 * has taken its input: each run of commands as one {@code MsgProp}, membership changes one at a
 * time, in the order they came. Confined to the loop thread.
 */
final class ProposalBatch {

  private final List<GroupEvent.Propose> waiting = new ArrayList<>();
  private final List<GroupEvent.Propose> accepted = new ArrayList<>();
  private final List<ByteString> commands = new ArrayList<>();

  void add(GroupEvent.Propose p) {
    waiting.add(p);
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Fails every waiting proposal with {@code ex} through {@code fail}. */
  void failAll(
      RaftServerException ex, BiConsumer<CompletableFuture<Object>, RaftServerException> fail) {
    for (int i = 0; i < waiting.size(); i++) {
      fail.accept(waiting.get(i).future(), ex);
    }
    waiting.clear();
  }

  /**
   * Proposes the waiting proposals to {@code node}, the leader, and fails through {@code fail}
   * those Raft drops (a leader transfer is under way, or too much is uncommitted; {@code leader} is
   * the hint). Returns how many Raft appended to its log: the next Ready's entries end with theirs,
   * which {@link #appended} then records.
   */
  int propose(
      RawNode node, long leader, BiConsumer<CompletableFuture<Object>, RaftServerException> fail) {
    int n = waiting.size();
    accepted.clear();
    for (int i = 0; i < n; ) {
      int j = i + 1;
      try {
        GroupEvent.Propose p = waiting.get(i);
        if (p.op() == null) {
          while (j < n && waiting.get(j).op() == null) {
            j++;
          }
          commands.clear();
          for (int k = i; k < j; k++) {
            commands.add(waiting.get(k).data());
          }
          node.propose(commands);
        } else {
          node.proposeConfChange(ConfChangeI.of(MembershipView.confChange(p.op(), p.target())));
        }
        for (int k = i; k < j; k++) {
          accepted.add(waiting.get(k));
        }
      } catch (ProposalDroppedException e) {
        NotLeaderException ex =
            new NotLeaderException(
                "proposal dropped: a leader transfer is in progress or too much is uncommitted",
                leader);
        for (int k = i; k < j; k++) {
          fail.accept(waiting.get(k).future(), ex);
        }
      }
      i = j;
    }
    commands.clear();
    waiting.clear();
    return accepted.size();
  }

  /**
   * Gives each proposal {@link #propose} accepted the index and term of its entry at the end of
   * {@code rd}'s entries, and queues it in {@code inLog}.
   */
  void appended(Ready rd, PendingProposals inLog) {
    int n = accepted.size();
    List<Entry> ents = rd.entries();
    if (ents.size() < n) {
      throw new IllegalStateException(
          "proposed " + n + " entries but the Ready holds " + ents.size());
    }
    int base = ents.size() - n;
    for (int i = 0; i < n; i++) {
      GroupEvent.Propose p = accepted.get(i);
      Entry e = ents.get(base + i);
      p.appended(e.getIndex(), e.getTerm());
      inLog.add(p);
    }
    accepted.clear();
  }
}
