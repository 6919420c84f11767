package io.raftj.raft;

import io.raftj.raft.tracker.ConfigView;
import io.raftj.raft.tracker.ProgressView;
import io.raftj.raft.tracker.internal.ProgressMap;
import io.raftj.raft.tracker.internal.TrackerConfig;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's full status: the basic status, its configuration and, on the leader, a copy of every
 * peer's progress. Mirrors {@code Status} in etcd's {@code status.go}; {@link #toString()} is
 * etcd's JSON text.
 *
 * @param basic the basic status
 * @param config a read-only copy of the configuration; as in etcd, its auto-leave flag is not
 *     copied
 * @param progress read-only copies of the peers' progress by ID in ascending unsigned order, empty
 *     unless this node is the leader
 */
public record Status(BasicStatus basic, ConfigView config, Map<Long, ProgressView> progress) {

  /** This node's ID. */
  public long id() {
    return basic.id();
  }

  /** The current term. */
  public long term() {
    return basic.hardState().getTerm();
  }

  /** The vote in the current term, or {@link RaftConstants#NONE}. */
  public long vote() {
    return basic.hardState().getVote();
  }

  /** The commit index. */
  public long commit() {
    return basic.hardState().getCommit();
  }

  /** The known leader, or {@link RaftConstants#NONE}. */
  public long lead() {
    return basic.softState().lead();
  }

  /** This node's role. */
  public StateType raftState() {
    return basic.softState().raftState();
  }

  /**
   * Whether this node was the leader when the status was taken.
   *
   * @return true if {@link #raftState()} is {@link StateType#STATE_LEADER}
   */
  public boolean isLeader() {
    return basic.isLeader();
  }

  /** The applied index. */
  public long applied() {
    return basic.applied();
  }

  /** The target of a leader transfer in progress, or {@link RaftConstants#NONE}. */
  public long leadTransferee() {
    return basic.leadTransferee();
  }

  static Status of(Raft r) {
    BasicStatus basic = BasicStatus.of(r);
    Map<Long, ProgressView> progress = Map.of();
    if (basic.softState().raftState() == StateType.STATE_LEADER) {
      Map<Long, ProgressView> copies = new TreeMap<>(Long::compareUnsigned);
      ProgressMap prs = r.trk.progress();
      for (int i = 0; i < prs.size(); i++) {
        copies.put(prs.idAt(i), prs.progressAt(i).copy());
      }
      progress = Collections.unmodifiableMap(copies);
    }
    return new Status(basic, withoutAutoLeave(r.trk.config()), progress);
  }

  /** etcd's {@code Config.Clone}, which does not copy AutoLeave. */
  private static ConfigView withoutAutoLeave(TrackerConfig c) {
    return new TrackerConfig(c.voters(), c.learners(), c.learnersNext(), false).view();
  }

  /**
   * etcd's JSON form: {@code {"id":"1","term":2,"vote":"1","commit":3,"lead":"1",
   * "raftState":"StateLeader","applied":3,"progress":{"1":{"match":3,"next":4,"state":
   * "StateReplicate"}},"leadtransferee":"0"}}. IDs are hex; progress is in ascending ID order
   * (etcd's is in Go map order).
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"id\":\"")
        .append(Long.toHexString(basic.id()))
        .append("\",\"term\":")
        .append(Long.toUnsignedString(basic.hardState().getTerm()))
        .append(",\"vote\":\"")
        .append(Long.toHexString(basic.hardState().getVote()))
        .append("\",\"commit\":")
        .append(Long.toUnsignedString(basic.hardState().getCommit()))
        .append(",\"lead\":\"")
        .append(Long.toHexString(basic.softState().lead()))
        .append("\",\"raftState\":\"")
        .append(basic.softState().raftState())
        .append("\",\"applied\":")
        .append(Long.toUnsignedString(basic.applied()))
        .append(",\"progress\":{");
    boolean first = true;
    for (Map.Entry<Long, ProgressView> e : progress.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      ProgressView pr = e.getValue();
      sb.append('"')
          .append(Long.toHexString(e.getKey()))
          .append("\":{\"match\":")
          .append(Long.toUnsignedString(pr.match()))
          .append(",\"next\":")
          .append(Long.toUnsignedString(pr.next()))
          .append(",\"state\":\"")
          .append(pr.state())
          .append("\"}");
    }
    sb.append("},\"leadtransferee\":\"")
        .append(Long.toHexString(basic.leadTransferee()))
        .append("\"}");
    return sb.toString();
  }
}
