package io.raftj.raft;

import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.tracker.internal.Progress;
import io.raftj.raft.tracker.internal.ProgressMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The structural invariants of a {@link Raft}, checked after every core test by {@link
 * RaftInvariantsExtension} on each Raft the test helpers saw (Caffeine validates its caches after
 * each test the same way). Violations are collected, not thrown one by one, so a failure names
 * every broken invariant of every node.
 *
 * <ul>
 *   <li>log: {@code applied <= applying <= committed <= lastIndex} (applied may lag behind {@code
 *       firstIndex - 1}: a restored snapshot counts as applied only once the application has
 *       applied it)
 *   <li>each progress: {@code match < next} (etcd: {@code 0 <= Match < Next})
 *   <li>each inflight window: at most {@code maxInflight} messages
 * </ul>
 */
final class RaftInvariants {

  /** The Rafts handed to test helpers since the last check, by identity. */
  private static final Map<Raft, Boolean> TRACKED = new IdentityHashMap<>();

  private RaftInvariants() {}

  /** Remembers {@code r} for the check after the current test; returns it. */
  static synchronized Raft track(Raft r) {
    TRACKED.put(r, Boolean.TRUE);
    return r;
  }

  /** Remembers the Raft inside {@code rn}; returns {@code rn}. */
  static RawNode track(RawNode rn) {
    track(rn.raft());
    return rn;
  }

  /** Forgets every tracked Raft and returns them. */
  static synchronized List<Raft> drain() {
    List<Raft> all = new ArrayList<>(TRACKED.keySet());
    TRACKED.clear();
    return all;
  }

  /** The broken invariants of {@code r}, one line each; empty when all hold. */
  static List<String> violations(Raft r) {
    List<String> out = new ArrayList<>();
    RaftLog log = r.raftLog;
    long last = log.lastIndex();
    long applied = log.applied();
    long applying = log.applying();
    long committed = log.committed();
    if (!(0 <= applied && applied <= applying && applying <= committed && committed <= last)) {
      out.add(
          GoFormat.format(
              "%x: log bounds broken: applied=%d applying=%d committed=%d lastIndex=%d",
              r.id, applied, applying, committed, last));
    }
    ProgressMap prs = r.trk.progress();
    int maxInflight = r.trk.maxInflight();
    for (int i = 0; i < prs.size(); i++) {
      long id = prs.idAt(i);
      Progress pr = prs.progressAt(i);
      if (pr.match() >= pr.next()) {
        out.add(
            GoFormat.format(
                "%x: progress of %x has match %d >= next %d", r.id, id, pr.match(), pr.next()));
      }
      if (pr.inflights().count() > maxInflight) {
        out.add(
            GoFormat.format(
                "%x: progress of %x has %d inflight messages, above the limit %d",
                r.id, id, pr.inflights().count(), maxInflight));
      }
    }
    return out;
  }
}
