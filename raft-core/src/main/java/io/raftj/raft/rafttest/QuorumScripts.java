package io.raftj.raft.rafttest;

import io.raftj.raft.quorum.AckedIndexer;
import io.raftj.raft.quorum.CommittedIndexOracle;
import io.raftj.raft.quorum.Index;
import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.quorum.MajorityConfig;
import io.raftj.raft.quorum.MapAckIndexer;
import io.raftj.raft.quorum.VoteResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code quorum} script kind: {@code committed} and {@code vote} over majority and joint
 * configurations. Mirrors {@code TestDataDriven} in etcd's {@code quorum/datadriven_test.go}.
 *
 * <p>Arguments: {@code cfg=(ids)} the (incoming) majority configuration; {@code cfgj=(ids)} or
 * {@code cfgj=zero} makes the case joint; {@code idx=(...)} for {@code committed} or {@code
 * votes=(y,n,_...)} for {@code vote} gives one value per distinct voter in order of first
 * appearance across {@code cfg} then {@code cfgj}, {@code _} meaning "nothing known" (so an index
 * of 0 cannot be written). Each case is also checked against alternative computations that must
 * agree (a naive committed index, the configuration joined with an empty or with itself,
 * interchanged joint halves, lowered indexes); a disagreement is printed, as etcd prints it.
 */
public final class QuorumScripts implements ScriptKind {

  /** Creates the kind; registered with {@link ScriptKinds} as {@code quorum}. */
  public QuorumScripts() {}

  @Override
  public String name() {
    return ScriptKinds.QUORUM;
  }

  @Override
  public Handler newHandler() {
    return QuorumScripts::handle;
  }

  /** The arguments of one directive, in the order written. */
  private static final class Args {
    boolean joint;
    final List<Long> ids = new ArrayList<>();
    final List<Long> idsj = new ArrayList<>();
    final List<Long> idxs = new ArrayList<>();

    /** Coded like indexes so both share one lookup: 1 = no, 2 = yes, 0 = unknown. */
    final List<Long> votes = new ArrayList<>();

    static Args parse(TestData d) {
      Args a = new Args();
      for (CmdArg arg : d.cmdArgs()) {
        for (int i = 0; i < arg.vals().size(); i++) {
          String val = arg.vals().get(i);
          switch (arg.key()) {
            case "cfg":
              a.ids.add(arg.scanUint64(i));
              break;
            case "cfgj":
              a.joint = true;
              if (!val.equals("zero")) {
                a.idsj.add(arg.scanUint64(i));
              } else if (arg.vals().size() != 1) {
                throw new DataDrivenException("cannot mix 'zero' into configuration");
              }
              break;
            case "idx":
              long n = 0; // "_": nothing known, which is why 0 itself cannot be written
              if (!val.equals("_")) {
                n = arg.scanUint64(i);
                if (n == 0) {
                  throw new DataDrivenException("cannot use 0 as idx");
                }
                if (n < 0) {
                  // Indexes are never negative in raftj: a uint64 above 2^63-1 is out of range.
                  throw new DataDrivenException("idx " + val + " out of range");
                }
              }
              a.idxs.add(n);
              break;
            case "votes":
              a.votes.add(parseVote(val));
              break;
            default:
              throw new DataDrivenException("unknown arg " + arg.key());
          }
        }
      }
      return a;
    }

    MajorityConfig config() {
      return configOf(ids);
    }

    MajorityConfig configJoint() {
      return configOf(idsj);
    }

    private static MajorityConfig configOf(List<Long> ids) {
      MajorityConfig c = new MajorityConfig();
      for (long id : ids) {
        c.add(id);
      }
      return c;
    }
  }

  private static String handle(TestData d) {
    Args a = Args.parse(d);
    MajorityConfig c = a.config();
    MajorityConfig cj = a.configJoint();
    List<Long> input = d.cmd().equals("vote") ? a.votes : a.idxs;
    MajorityConfig voters = new JointConfig(c, cj).ids();
    if (voters.size() != input.size()) {
      return "error: mismatched input (explicit or _) for voters "
          + goMap(voters)
          + ": "
          + goSlice(input);
    }
    StringBuilder buf = new StringBuilder();
    switch (d.cmd()) {
      case "committed":
        MapAckIndexer l = lookuper(a.idxs, a.ids, a.idsj);
        if (a.joint) {
          committedJoint(buf, c, cj, l);
        } else {
          committedMajority(buf, c, l);
        }
        break;
      case "vote":
        Map<Long, Boolean> granted = votesOf(a.votes, a.ids, a.idsj);
        if (a.joint) {
          VoteResult r = new JointConfig(c, cj).voteResult(granted);
          // Interchanging the halves must not make a difference.
          VoteResult ar = new JointConfig(cj, c).voteResult(granted);
          if (ar != r) {
            buf.append(ar).append(" <-- via symmetry\n");
          }
          buf.append(r).append('\n');
        } else {
          buf.append(c.voteResult(granted)).append('\n');
        }
        break;
      default:
        throw new DataDrivenException("unknown command: " + d.cmd());
    }
    return buf.toString();
  }

  private static void committedJoint(
      StringBuilder buf, MajorityConfig c, MajorityConfig cj, MapAckIndexer l) {
    JointConfig cc = new JointConfig(c, cj);
    buf.append(cc.describe(l));
    long idx = cc.committedIndex(l);
    // Interchanging the halves must not make a difference.
    long aIdx = new JointConfig(cj, c).committedIndex(l);
    if (aIdx != idx) {
      buf.append(Index.format(aIdx)).append(" <-- via symmetry\n");
    }
    buf.append(Index.format(idx)).append('\n');
  }

  private static void committedMajority(StringBuilder buf, MajorityConfig c, MapAckIndexer l) {
    long idx = c.committedIndex(l);
    buf.append(c.describe(l));
    long aIdx = CommittedIndexOracle.alternativeMajorityCommittedIndex(c, l);
    if (aIdx != idx) {
      buf.append(Index.format(aIdx)).append(" <-- via alternative computation\n");
    }
    aIdx = new JointConfig(c, new MajorityConfig()).committedIndex(l);
    if (aIdx != idx) {
      buf.append(Index.format(aIdx)).append(" <-- via zero-joint quorum\n");
    }
    aIdx = new JointConfig(c, c.copy()).committedIndex(l);
    if (aIdx != idx) {
      buf.append(Index.format(aIdx)).append(" <-- via self-joint quorum\n");
    }
    for (int i = 0; i < c.size(); i++) {
      long id = c.id(i);
      long iidx = Math.max(0, l.ackedIndex(id));
      if (idx > iidx && iidx > 0) {
        // The committed index is above this voter's, so lowering it further must not matter.
        // (etcd prints these two lines without a newline.)
        aIdx = c.committedIndex(overlay(c, l, id, iidx - 1));
        if (aIdx != idx) {
          buf.append(Index.format(aIdx))
              .append(" <-- overlaying ")
              .append(Long.toUnsignedString(id))
              .append("->")
              .append(Long.toUnsignedString(iidx));
        }
        aIdx = c.committedIndex(overlay(c, l, id, 0));
        if (aIdx != idx) {
          buf.append(Index.format(aIdx))
              .append(" <-- overlaying ")
              .append(Long.toUnsignedString(id))
              .append("->0");
        }
      }
    }
    buf.append(Index.format(idx)).append('\n');
  }

  /** Acknowledged indexes of the voters of {@code c}, with {@code id}'s replaced by {@code idx}. */
  private static MapAckIndexer overlay(MajorityConfig c, AckedIndexer l, long id, long idx) {
    MapAckIndexer ll = new MapAckIndexer();
    for (int i = 0; i < c.size(); i++) {
      long iid = c.id(i);
      if (iid == id) {
        ll.put(iid, idx);
      } else {
        long v = l.ackedIndex(iid);
        if (v != AckedIndexer.NOT_FOUND) {
          ll.put(iid, v);
        }
      }
    }
    return ll;
  }

  /**
   * Assigns {@code vals} to the distinct voters of {@code ids} then {@code idsj} in order of first
   * appearance; zeroes (the {@code _} placeholders) are left out, since "no entry" differs from a
   * zero entry.
   */
  private static Map<Long, Long> assign(List<Long> vals, List<Long> ids, List<Long> idsj) {
    Map<Long, Long> m = new LinkedHashMap<>();
    int p = 0;
    List<Long> all = new ArrayList<>(ids);
    all.addAll(idsj);
    for (long id : all) {
      if (m.containsKey(id) || p >= vals.size()) {
        continue;
      }
      m.put(id, vals.get(p++));
    }
    m.values().removeIf(v -> v == 0L);
    return m;
  }

  private static MapAckIndexer lookuper(List<Long> idxs, List<Long> ids, List<Long> idsj) {
    MapAckIndexer l = new MapAckIndexer();
    assign(idxs, ids, idsj).forEach(l::put);
    return l;
  }

  private static Map<Long, Boolean> votesOf(List<Long> votes, List<Long> ids, List<Long> idsj) {
    Map<Long, Boolean> granted = new HashMap<>();
    assign(votes, ids, idsj).forEach((id, v) -> granted.put(id, v != 1L));
    return granted;
  }

  private static long parseVote(String s) {
    switch (s) {
      case "y":
        return 2;
      case "n":
        return 1;
      case "_":
        return 0;
      default:
        throw new DataDrivenException("unknown vote: " + s);
    }
  }

  /** Go's {@code %v} of a {@code map[uint64]struct{}}: {@code map[1:{} 2:{}]}, keys ascending. */
  private static String goMap(MajorityConfig ids) {
    StringBuilder buf = new StringBuilder("map[");
    for (int i = 0; i < ids.size(); i++) {
      if (i > 0) {
        buf.append(' ');
      }
      buf.append(Long.toUnsignedString(ids.id(i))).append(":{}");
    }
    return buf.append(']').toString();
  }

  /** Go's {@code %v} of a {@code []Index}: {@code [1 ∞ 3]}. */
  private static String goSlice(List<Long> vals) {
    StringBuilder buf = new StringBuilder("[");
    for (int i = 0; i < vals.size(); i++) {
      if (i > 0) {
        buf.append(' ');
      }
      buf.append(Index.format(vals.get(i)));
    }
    return buf.append(']').toString();
  }
}
