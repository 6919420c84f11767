package io.raftj.raft.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.ReadState;
import io.raftj.raft.Ready;
import io.raftj.raft.SoftState;
import io.raftj.raft.Util;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfChanges;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.List;

/**
 * Human-readable descriptions of messages, entries, Readys and states, in etcd's exact text.
 * Mirrors the {@code Describe*} functions of etcd's {@code util.go}; the interaction scripts
 * compare this output byte for byte.
 *
 * <p>Node IDs print in hex in message headers ({@code 1->2}), but in decimal in hard states, soft
 * states, conf states and conf changes, as etcd prints them.
 */
public final class Describe {

  private Describe() {}

  /** {@code Term:1 Vote:1 Commit:3}; the vote is left out when it is zero. */
  public static String describeHardState(HardState hs) {
    StringBuilder sb = new StringBuilder("Term:").append(Long.toUnsignedString(hs.getTerm()));
    if (hs.getVote() != 0) {
      sb.append(" Vote:").append(Long.toUnsignedString(hs.getVote()));
    }
    return sb.append(" Commit:").append(Long.toUnsignedString(hs.getCommit())).toString();
  }

  /** {@code Lead:1 State:StateLeader}. */
  public static String describeSoftState(SoftState ss) {
    return "Lead:" + Long.toUnsignedString(ss.lead()) + " State:" + ss.raftState();
  }

  /** {@code Voters:[1 2 3] VotersOutgoing:[] Learners:[] LearnersNext:[] AutoLeave:false}. */
  public static String describeConfState(ConfState cs) {
    StringBuilder sb = new StringBuilder("Voters:");
    ids(sb, cs.getVotersList());
    sb.append(" VotersOutgoing:");
    ids(sb, cs.getVotersOutgoingList());
    sb.append(" Learners:");
    ids(sb, cs.getLearnersList());
    sb.append(" LearnersNext:");
    ids(sb, cs.getLearnersNextList());
    return sb.append(" AutoLeave:").append(cs.getAutoLeave()).toString();
  }

  private static void ids(StringBuilder sb, List<Long> ids) {
    sb.append('[');
    for (int i = 0; i < ids.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(Long.toUnsignedString(ids.get(i)));
    }
    sb.append(']');
  }

  /** {@code Index:4 Term:1 ConfState:...}. */
  public static String describeSnapshot(Snapshot snap) {
    SnapshotMetadata m = snap.getMetadata();
    return "Index:"
        + Long.toUnsignedString(m.getIndex())
        + " Term:"
        + Long.toUnsignedString(m.getTerm())
        + " ConfState:"
        + describeConfState(m.getConfState());
  }

  /**
   * Describes a Ready section by section, or {@code <empty Ready>} (without a newline) when it
   * holds nothing.
   */
  public static String describeReady(Ready rd, EntryFormatter f) {
    StringBuilder sb = new StringBuilder();
    if (rd.softState() != null) {
      sb.append(describeSoftState(rd.softState())).append('\n');
    }
    if (!Util.isEmptyHardState(rd.hardState())) {
      sb.append("HardState ").append(describeHardState(rd.hardState())).append('\n');
    }
    if (!rd.readStates().isEmpty()) {
      sb.append("ReadStates ").append(describeReadStates(rd.readStates())).append('\n');
    }
    if (!rd.entries().isEmpty()) {
      sb.append("Entries:\n").append(describeEntries(rd.entries(), f));
    }
    Snapshot snap = rd.snapshot();
    if (snap != null && !Util.isEmptySnap(snap)) {
      sb.append("Snapshot ").append(describeSnapshot(snap)).append('\n');
    }
    if (!rd.committedEntries().isEmpty()) {
      sb.append("CommittedEntries:\n").append(describeEntries(rd.committedEntries(), f));
    }
    if (!rd.messages().isEmpty()) {
      sb.append("Messages:\n");
      for (Message m : rd.messages()) {
        sb.append(describeMessage(m, f)).append('\n');
      }
    }
    if (sb.length() > 0) {
      return "Ready MustSync=" + rd.mustSync() + ":\n" + sb;
    }
    return "<empty Ready>";
  }

  /** Go's {@code %v} of a {@code []ReadState}: {@code [{11 [99 116 120]}]}. */
  static String describeReadStates(List<ReadState> readStates) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < readStates.size(); i++) {
      ReadState rs = readStates.get(i);
      if (i > 0) {
        sb.append(' ');
      }
      sb.append('{').append(Long.toUnsignedString(rs.index())).append(" [");
      ByteString ctx = rs.requestCtx();
      for (int k = 0; k < ctx.size(); k++) {
        if (k > 0) {
          sb.append(' ');
        }
        sb.append(ctx.byteAt(k) & 0xff);
      }
      sb.append("]}");
    }
    return sb.append(']').toString();
  }

  /** Describes a message on one line (more for multiple entries, a snapshot or responses). */
  public static String describeMessage(Message m, EntryFormatter f) {
    StringBuilder sb = new StringBuilder(64);
    describeMessage(sb, "", m, f);
    return sb.toString();
  }

  private static void describeMessage(
      StringBuilder sb, String indent, Message m, EntryFormatter f) {
    sb.append(indent)
        .append(describeTarget(m.getFrom()))
        .append("->")
        .append(describeTarget(m.getTo()))
        .append(' ')
        .append(m.getType().name())
        .append(" Term:")
        .append(Long.toUnsignedString(m.getTerm()))
        .append(" Log:")
        .append(Long.toUnsignedString(m.getLogTerm()))
        .append('/')
        .append(Long.toUnsignedString(m.getIndex()));
    if (m.getReject()) {
      sb.append(" Rejected (Hint: ").append(Long.toUnsignedString(m.getRejectHint())).append(')');
    }
    if (m.getCommit() != 0) {
      sb.append(" Commit:").append(Long.toUnsignedString(m.getCommit()));
    }
    if (m.getVote() != 0) {
      sb.append(" Vote:").append(Long.toUnsignedString(m.getVote()));
    }
    int n = m.getEntriesCount();
    if (n == 1) {
      sb.append(" Entries:[").append(describeEntry(m.getEntries(0), f)).append(']');
    } else if (n > 1) {
      sb.append(" Entries:[");
      for (int i = 0; i < n; i++) {
        sb.append('\n').append(indent).append("  ").append(describeEntry(m.getEntries(i), f));
      }
      sb.append('\n').append(indent).append(']');
    }
    if (m.hasSnapshot() && !Util.isEmptySnap(m.getSnapshot())) {
      sb.append('\n')
          .append(indent)
          .append("  Snapshot: ")
          .append(describeSnapshot(m.getSnapshot()));
    }
    if (m.getResponsesCount() > 0) {
      sb.append(" Responses:[");
      String inner = indent + "  ";
      for (Message r : m.getResponsesList()) {
        sb.append('\n');
        describeMessage(sb, inner, r, f);
      }
      sb.append('\n').append(indent).append(']');
    }
  }

  /** {@code None}, {@code AppendThread}, {@code ApplyThread}, or the ID in hex. */
  static String describeTarget(long id) {
    if (id == RaftConstants.NONE) {
      return "None";
    } else if (id == RaftConstants.LOCAL_APPEND_THREAD) {
      return "AppendThread";
    } else if (id == RaftConstants.LOCAL_APPLY_THREAD) {
      return "ApplyThread";
    }
    return Long.toHexString(id);
  }

  /**
   * {@code term/index Type payload}: normal payloads through {@code f} (null: Go's {@code %q}),
   * conf changes decoded as {@code v2 r3 l4}.
   */
  public static String describeEntry(Entry e, EntryFormatter f) {
    if (f == null) {
      f = EntryFormatter.DEFAULT;
    }
    String formatted;
    switch (e.getType()) {
      case EntryConfChange:
        try {
          formatted =
              ConfChanges.toString(
                  ConfChangeI.of(ConfChange.parseFrom(e.getData())).asV2().getChangesList());
        } catch (InvalidProtocolBufferException ex) {
          formatted = UNMARSHAL_ERROR;
        }
        break;
      case EntryConfChangeV2:
        try {
          formatted = ConfChanges.toString(ConfChangeV2.parseFrom(e.getData()).getChangesList());
        } catch (InvalidProtocolBufferException ex) {
          formatted = UNMARSHAL_ERROR;
        }
        break;
      default:
        formatted = f.format(e.getData());
        break;
    }
    StringBuilder sb =
        new StringBuilder(32)
            .append(Long.toUnsignedString(e.getTerm()))
            .append('/')
            .append(Long.toUnsignedString(e.getIndex()))
            .append(' ')
            .append(e.getType().name());
    if (!formatted.isEmpty()) {
      sb.append(' ').append(formatted);
    }
    return sb.toString();
  }

  /** Go protobuf's text for undecodable bytes. */
  private static final String UNMARSHAL_ERROR = "proto: cannot parse invalid wire-format data";

  /** Each entry described on its own line, each line ending with a newline. */
  public static String describeEntries(List<Entry> ents, EntryFormatter f) {
    StringBuilder sb = new StringBuilder();
    for (Entry e : ents) {
      sb.append(describeEntry(e, f)).append('\n');
    }
    return sb.toString();
  }

  /**
   * {@code transition:ConfChangeTransitionAuto changes:{type:ConfChangeAddNode node_id:3}}, with a
   * trailing {@code context:"..."} when the context is non-empty; used in a log line.
   */
  public static String describeConfChange(ConfChangeV2 v2) {
    StringBuilder sb = new StringBuilder("transition:").append(v2.getTransition().name());
    for (ConfChangeSingle c : v2.getChangesList()) {
      sb.append(" changes:{type:")
          .append(c.getType().name())
          .append(" node_id:")
          .append(Long.toUnsignedString(c.getNodeId()))
          .append('}');
    }
    if (!v2.getContext().isEmpty()) {
      sb.append(" context:").append(GoFormat.quote(v2.getContext().toByteArray()));
    }
    return sb.toString();
  }
}
