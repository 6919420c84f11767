package io.raftj.simulation;

import io.raftj.raft.CompactedException;
import io.raftj.raft.MemoryStorage;
import io.raftj.raft.StateType;
import io.raftj.raft.UnavailableException;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.MessageType;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks Raft's safety properties as the members report their work, and throws {@link
 * SafetyViolation} at the first one broken (Raft §5.2-5.4, thesis §3.6.3):
 *
 * <ul>
 *   <li>election safety: at most one leader per term;
 *   <li>log matching: entries with the same index and term hold the same data and follow the same
 *       term, in every member's log;
 *   <li>leader completeness: a leader of term T holds every entry known committed in an earlier
 *       term;
 *   <li>state-machine safety: no two members apply different entries at one index, each applies in
 *       order, and a snapshot holds exactly the writes committed up to its index;
 *   <li>one vote per term: no member grants votes to two candidates in a term, across crashes;
 *   <li>durability (the crash oracle): after a restart a member holds at least what Raft had
 *       acknowledged as durable ({@code Ready.mustSync} saves and snapshots), judged from the saves
 *       that returned, not from the WAL's own sync decision: its term and vote, a commit index that
 *       never goes back, and every acknowledged entry.
 * </ul>
 *
 * Confined to the world's thread.
 */
public final class SafetyChecker {

  private record EntryKey(long index, long term) {}

  private record Seen(long prevTerm, Entry entry) {}

  private record VoteKey(long voter, long term) {}

  private static final class Acked {
    long term;
    long vote;
    long commit;
    LogView log = new LogView();
    long inflightFirst;
  }

  private final TreeMap<Long, Entry> committed = new TreeMap<>();
  private final Map<Long, Long> knownCommittedInTerm = new HashMap<>();
  private final Map<EntryKey, Seen> seen = new HashMap<>();
  private final Map<Long, Long> leaders = new HashMap<>();
  private final Set<EntryKey> completenessChecked = new HashSet<>();
  private final Map<VoteKey, Long> votes = new HashMap<>();
  private final Map<Long, LogView> logs = new HashMap<>();
  private final Map<Long, Acked> acked = new HashMap<>();
  private final Map<Long, Long> lastApplied = new HashMap<>();
  private final boolean everyEntry;

  /** A checker of members that report every entry they apply. */
  public SafetyChecker() {
    this(true);
  }

  /**
   * A checker of members that report every entry they apply if {@code everyEntry}, or only the
   * client writes (applied indexes then only grow, and snapshots come as {@link
   * #writesInSnapshot}).
   */
  public SafetyChecker(boolean everyEntry) {
    this.everyEntry = everyEntry;
  }

  /** The entries known committed (applied by some member), by index. Read-only. */
  public TreeMap<Long, Entry> committed() {
    return committed;
  }

  /** The highest index any member applied. */
  public long maxCommitted() {
    return committed.isEmpty() ? 0 : committed.lastKey();
  }

  void persisted(
      long id, HardState hs, List<Entry> entries, SnapshotMetadata snap, boolean mustSync) {
    LogView log = logs.get(id);
    if (snap != null) {
      log.replaceBySnapshot(snap.getIndex(), snap.getTerm());
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      Long prev = i > 0 ? Long.valueOf(entries.get(i - 1).getTerm()) : log.term(e.getIndex() - 1);
      checkMatching(id, e, prev);
    }
    log.append(entries);
    if (hs.getVote() != 0) {
      vote(id, hs.getTerm(), hs.getVote());
    }
    if (mustSync || snap != null) {
      Acked a = acked.get(id);
      if (snap != null) {
        a.log.replaceBySnapshot(snap.getIndex(), snap.getTerm());
      }
      a.log.append(entries);
      if (hs.getTerm() != 0 || hs.getVote() != 0 || hs.getCommit() != 0) {
        a.term = hs.getTerm();
        a.vote = hs.getVote();
        a.commit = hs.getCommit();
      }
    }
  }

  private void checkMatching(long id, Entry e, Long prevTerm) {
    EntryKey k = new EntryKey(e.getIndex(), e.getTerm());
    Seen s = seen.get(k);
    long prev = prevTerm == null ? -1 : prevTerm;
    if (s == null) {
      seen.put(k, new Seen(prev, e));
      return;
    }
    if (!s.entry.equals(e)) {
      throw new SafetyViolation(
          "log matching",
          String.format(
              "member %x holds %s at index %d term %d, another member %s",
              id, brief(e), e.getIndex(), e.getTerm(), brief(s.entry)));
    }
    if (prev >= 0 && s.prevTerm >= 0 && prev != s.prevTerm) {
      throw new SafetyViolation(
          "log matching",
          String.format(
              "entry %d/%d follows term %d at member %x but term %d elsewhere",
              e.getIndex(), e.getTerm(), prev, id, s.prevTerm));
    }
  }

  void snapshotTaken(long id, long index, List<Long> writes) {
    checkSnapshotData(id, "took", index, writes);
    logs.get(id).snapshotAt(index);
    acked.get(id).log.snapshotAt(index);
  }

  void sent(long id, List<Message> messages) {
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.getType() == MessageType.MsgVoteResp && !m.getReject()) {
        vote(m.getFrom(), m.getTerm(), m.getTo());
      }
    }
  }

  private void vote(long voter, long term, long candidate) {
    Long prev = votes.putIfAbsent(new VoteKey(voter, term), candidate);
    if (prev != null && prev != candidate) {
      throw new SafetyViolation(
          "one vote per term",
          String.format(
              "member %x voted for %x and for %x in term %d", voter, prev, candidate, term));
    }
  }

  void applied(long id, long term, Entry e) {
    long last = lastApplied.getOrDefault(id, 0L);
    if (everyEntry ? e.getIndex() != last + 1 : e.getIndex() <= last) {
      throw new SafetyViolation(
          "state-machine safety",
          String.format("member %x applied index %d after %d", id, e.getIndex(), last));
    }
    lastApplied.put(id, e.getIndex());
    Entry prev = committed.putIfAbsent(e.getIndex(), e);
    if (prev != null && !prev.equals(e)) {
      throw new SafetyViolation(
          "state-machine safety",
          String.format(
              "member %x applied %s at index %d, another member applied %s",
              id, brief(e), e.getIndex(), brief(prev)));
    }
    knownCommittedInTerm.merge(e.getIndex(), term, Math::min);
  }

  void writesInSnapshot(long id, boolean restored, long upTo, List<Entry> writes) {
    String what = restored ? "restored" : "took";
    Set<Long> held = new HashSet<>();
    long prev = 0;
    for (int i = 0; i < writes.size(); i++) {
      Entry e = writes.get(i);
      if (e.getIndex() <= prev || e.getIndex() > upTo) {
        throw new SafetyViolation(
            "state-machine safety",
            String.format(
                "member %x %s a snapshot up to %d holding write %d/%d after index %d",
                id, what, upTo, e.getIndex(), e.getTerm(), prev));
      }
      prev = e.getIndex();
      held.add(e.getIndex());
      Entry was = committed.putIfAbsent(e.getIndex(), e);
      if (was != null && !was.equals(e)) {
        throw new SafetyViolation(
            "state-machine safety",
            String.format(
                "member %x %s a snapshot holding %s at index %d, another member applied %s",
                id, what, brief(e), e.getIndex(), brief(was)));
      }
      knownCommittedInTerm.putIfAbsent(e.getIndex(), Long.MAX_VALUE);
    }
    for (Map.Entry<Long, Entry> c : committed.headMap(upTo, true).entrySet()) {
      if (Ops.opOf(c.getValue().getData()) != 0 && !held.contains(c.getKey())) {
        throw new SafetyViolation(
            "state-machine safety",
            String.format(
                "member %x %s a snapshot up to %d without the committed %s at index %d",
                id, what, upTo, brief(c.getValue()), c.getKey()));
      }
    }
    if (restored) {
      lastApplied.put(id, upTo);
    }
  }

  void restored(long id, SnapshotMetadata md, List<Long> writes) {
    lastApplied.put(id, md.getIndex());
    checkSnapshotData(id, "restored", md.getIndex(), writes);
  }

  private void checkSnapshotData(long id, String what, long index, List<Long> writes) {
    List<Long> want = writesUpTo(index);
    if (want != null && !want.equals(writes)) {
      throw new SafetyViolation(
          "state-machine safety",
          String.format(
              "member %x %s a snapshot at %d holding writes %s, the committed log has %s there",
              id, what, index, writes, want));
    }
  }

  /** The client writes committed up to {@code index}, in log order; null if a gap hides some. */
  List<Long> writesUpTo(long index) {
    List<Long> out = new ArrayList<>();
    Set<Long> dup = new HashSet<>();
    long expect = 1;
    for (Map.Entry<Long, Entry> c : committed.headMap(index, true).entrySet()) {
      if (c.getKey() != expect) {
        return null;
      }
      expect++;
      long op = Ops.opOf(c.getValue().getData());
      if (op != 0
          && c.getValue().getType() == io.raftj.raft.raftpb.EntryType.EntryNormal
          && dup.add(op)) {
        out.add(op);
      }
    }
    return expect == index + 1 ? out : null;
  }

  void crashed(long id, boolean midWrite, long inflightFirstIndex) {
    acked.get(id).inflightFirst = inflightFirstIndex;
  }

  void restarted(long id, HardState hs, MemoryStorage ms) {
    LogView recovered = LogView.of(ms);
    Acked a = acked.get(id);
    if (a != null) {
      checkRecovered(id, a, hs, ms);
    }
    Acked fresh = new Acked();
    fresh.term = hs.getTerm();
    fresh.vote = hs.getVote();
    fresh.commit = hs.getCommit();
    fresh.log = recovered.copy();
    acked.put(id, fresh);
    logs.put(id, recovered);
    lastApplied.put(id, ms.snapshot().getMetadata().getIndex());
    if (hs.getVote() != 0) {
      vote(id, hs.getTerm(), hs.getVote());
    }
  }

  private void checkRecovered(long id, Acked a, HardState hs, MemoryStorage ms) {
    if (hs.getTerm() < a.term) {
      throw new SafetyViolation(
          "durability",
          String.format(
              "member %x restarted at term %d, but term %d was acknowledged",
              id, hs.getTerm(), a.term));
    }
    if (hs.getTerm() == a.term && a.vote != 0 && hs.getVote() != a.vote) {
      throw new SafetyViolation(
          "durability",
          String.format(
              "member %x restarted with vote %x in term %d, but vote %x was acknowledged",
              id, hs.getVote(), a.term, a.vote));
    }
    if (hs.getCommit() < a.commit) {
      throw new SafetyViolation(
          "commit never goes back",
          String.format(
              "member %x restarted with commit %d, but commit %d was acknowledged",
              id, hs.getCommit(), a.commit));
    }
    long snapIndex = ms.snapshot().getMetadata().getIndex();
    for (Map.Entry<Long, Long> e : a.log.entries()) {
      long i = e.getKey();
      if (i <= snapIndex || (a.inflightFirst > 0 && i >= a.inflightFirst)) {
        continue;
      }
      long t;
      try {
        t = ms.term(i);
      } catch (CompactedException | UnavailableException missing) {
        t = -1;
      }
      if (t != e.getValue()) {
        throw new SafetyViolation(
            "durability",
            String.format(
                "member %x lost acknowledged entry %d/%d (after restart: term %d, snapshot at %d, last index %d)",
                id, i, e.getValue(), t, snapIndex, ms.lastIndex()));
      }
    }
  }

  /** Checks election safety and leader completeness over the members' roles after a step. */
  void afterStep(List<? extends Member> members) {
    for (Member m : members) {
      if (!m.isUp() || m.role() != StateType.STATE_LEADER) {
        continue;
      }
      long term = m.term();
      Long prev = leaders.putIfAbsent(term, m.id());
      if (prev != null && prev != m.id()) {
        throw new SafetyViolation(
            "election safety",
            String.format("members %x and %x both led term %d", prev, m.id(), term));
      }
      if (completenessChecked.add(new EntryKey(m.id(), term))) {
        checkCompleteness(m.id(), term);
      }
    }
  }

  private void checkCompleteness(long id, long term) {
    LogView log = logs.get(id);
    for (Map.Entry<Long, Entry> c : committed.tailMap(log.snapIndex, false).entrySet()) {
      long i = c.getKey();
      if (knownCommittedInTerm.get(i) >= term) {
        continue;
      }
      Long t = log.term(i);
      if (t == null || t != c.getValue().getTerm()) {
        throw new SafetyViolation(
            "leader completeness",
            String.format(
                "member %x leads term %d without committed entry %d/%d (it holds term %s)",
                id, term, i, c.getValue().getTerm(), t));
      }
    }
  }

  private static String brief(Entry e) {
    long op = Ops.opOf(e.getData());
    return e.getType()
        + (op != 0
            ? " write " + op
            : e.getData().isEmpty() ? " (empty)" : " (" + e.getData().size() + " bytes)");
  }
}
