package io.raftj.raft.tracker.internal;

import io.raftj.raft.quorum.AckedIndexer;
import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.quorum.VoteResult;
import io.raftj.raft.raftpb.ConfState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracks the active configuration and what is known about each of its voters and learners: their
 * replication progress, from which the committed index follows, and their votes in the current
 * election. Mirrors {@code ProgressTracker} in etcd's {@code tracker/tracker.go}.
 *
 * <p>Not thread-safe: owned by the thread driving the Raft state machine. The configuration and the
 * progress map change together, by {@link #setConfig} and {@link #setProgress} with what {@code
 * confchange.Changer} returns.
 */
public final class ProgressTracker {

  private final int maxInflight;
  private final long maxInflightBytes;

  private TrackerConfig config = TrackerConfig.empty();
  private ProgressMap progress = new ProgressMap();

  /** The votes of the current election: granted (true) or rejected (false), by voter. */
  private final Map<Long, Boolean> votes = new HashMap<>();

  /** Scratch for quorumActive, reused so that a check-quorum round does not allocate a map. */
  private final Map<Long, Boolean> activity = new HashMap<>();

  private final AckedIndexer matchAckIndexer =
      id -> {
        Progress pr = progress.get(id);
        return pr == null ? AckedIndexer.NOT_FOUND : pr.match();
      };

  /**
   * Creates a tracker with an empty configuration whose new progresses allow {@code maxInflight}
   * messages and {@code maxInflightBytes} bytes in flight (0: no byte limit). Go: {@code
   * MakeProgressTracker}.
   */
  public ProgressTracker(int maxInflight, long maxInflightBytes) {
    this.maxInflight = maxInflight;
    this.maxInflightBytes = maxInflightBytes;
  }

  /** The current configuration: voters, learners and the joint state. */
  public TrackerConfig config() {
    return config;
  }

  /** Replaces the configuration; the progress map must match it. */
  public void setConfig(TrackerConfig config) {
    this.config = config;
  }

  /** The progress of every tracked peer, voters and learners. */
  public ProgressMap progress() {
    return progress;
  }

  /** Replaces the progress map; it must match the configuration. */
  public void setProgress(ProgressMap progress) {
    this.progress = progress;
  }

  /** The maximum number of messages in flight to one peer. */
  public int maxInflight() {
    return maxInflight;
  }

  /** The maximum payload bytes in flight to one peer; 0 means no limit. */
  public long maxInflightBytes() {
    return maxInflightBytes;
  }

  /**
   * Returns the ConfState of the active configuration, IDs sorted, with {@code auto_leave} always
   * present as in etcd.
   */
  public ConfState confState() {
    JointConfig voters = config.voters();
    return ConfState.newBuilder()
        .addAllVoters(boxed(voters.incoming()))
        .addAllVotersOutgoing(boxed(voters.outgoing()))
        .addAllLearners(boxed(config.learners()))
        .addAllLearnersNext(boxed(config.learnersNext()))
        .setAutoLeave(config.autoLeave())
        .build();
  }

  private static List<Long> boxed(MajorityConfig ids) {
    List<Long> l = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      l.add(ids.id(i));
    }
    return l;
  }

  /** Returns true if the leader is the only voter: one voter and no joint configuration. */
  public boolean isSingleton() {
    JointConfig voters = config.voters();
    return voters.incoming().size() == 1 && voters.outgoing().isEmpty();
  }

  /**
   * Returns the largest log index that the voters, in both halves of a joint configuration, have
   * acknowledged to a quorum.
   */
  public long committed() {
    return config.voters().committedIndex(matchAckIndexer);
  }

  /**
   * Calls {@code visitor} for every tracked peer in ascending ID order. Go: {@code Visit}.
   *
   * @see ProgressMap#forEach
   */
  public void visit(ProgressVisitor visitor) {
    progress.forEach(visitor);
  }

  /**
   * Returns true if a quorum of voters has been recently active, as seen by this (leader) node;
   * learners do not count.
   */
  public boolean quorumActive() {
    activity.clear();
    for (int i = 0, n = progress.size(); i < n; i++) {
      Progress pr = progress.progressAt(i);
      if (!pr.isLearner()) {
        activity.put(progress.idAt(i), pr.recentActive());
      }
    }
    return config.voters().voteResult(activity) == VoteResult.VOTE_WON;
  }

  /** Returns the voters of both halves of the configuration, sorted, without duplicates. */
  public long[] voterNodes() {
    return config.voters().ids().slice();
  }

  /** Returns the learners, sorted; empty if there are none. */
  public long[] learnerNodes() {
    return config.learners().slice();
  }

  /** Forgets all votes, for a new election. */
  public void resetVotes() {
    votes.clear();
  }

  /**
   * Records that peer {@code id} granted ({@code v} true) or rejected its vote; the first vote
   * recorded for a peer in an election stands.
   */
  public void recordVote(long id, boolean v) {
    votes.putIfAbsent(id, v);
  }

  /** The votes recorded in the current election, by voter; an unmodifiable live view. */
  public Map<Long, Boolean> votes() {
    return Collections.unmodifiableMap(votes);
  }

  /** The outcome of {@link #tallyVotes()}. */
  public record Tally(int granted, int rejected, VoteResult result) {}

  /**
   * Counts the granted and rejected votes of tracked voters and decides the election. The counts
   * leave out votes of peers no longer in the configuration; they are informational.
   */
  public Tally tallyVotes() {
    int granted = 0;
    int rejected = 0;
    for (int i = 0, n = progress.size(); i < n; i++) {
      if (progress.progressAt(i).isLearner()) {
        continue;
      }
      Boolean v = votes.get(progress.idAt(i));
      if (v == null) {
        continue;
      }
      if (v) {
        granted++;
      } else {
        rejected++;
      }
    }
    return new Tally(granted, rejected, config.voters().voteResult(votes));
  }
}
