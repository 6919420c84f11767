package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.Entry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Drives a {@link RaftLog} over a {@link MemoryStorage} with random appends, conflicting
 * truncations, asynchronous persistence, commits, applies and compactions, and compares every read
 * against a plain list holding the whole log. It also checks that entry lists handed out earlier
 * never change, which the array-backed views of {@link Unstable} and {@link MemoryStorage} promise.
 */
final class RaftLogModelTest {

  private static final long SEED = 0x5EED_2026L;
  private static final int RUNS = 40;
  private static final int STEPS = 400;

  /** An earlier result and a copy of what it held then. */
  private record Held(List<Entry> view, List<Entry> copy) {}

  private static final class Run {
    final Random rnd;
    final MemoryStorage storage = new MemoryStorage(RaftLogger.discard());
    final RaftLog log = RaftLog.newLog(storage, RaftLogger.discard());

    /** The whole log: model.get(i) is the entry at index i + 1. */
    final List<Entry> model = new ArrayList<>();

    /** Writes handed out and not yet completed, oldest first. */
    final ArrayDeque<List<Entry>> inFlight = new ArrayDeque<>();

    final List<Held> held = new ArrayList<>();
    long term = 1;
    long compacted; // storage has compacted up to here

    Run(long seed) {
      rnd = new Random(seed);
    }

    long lastIndex() {
      return model.size();
    }

    long termAt(long i) {
      return i == 0 ? 0 : model.get((int) (i - 1)).getTerm();
    }

    List<Entry> modelSlice(long lo, long hi) {
      return model.subList((int) (lo - 1), (int) (hi - 1));
    }

    void step() {
      switch (rnd.nextInt(7)) {
        case 0, 1 -> append();
        case 2 -> persist();
        case 3 -> commitAndApply();
        case 4 -> compact();
        default -> read();
      }
      for (Held h : held) {
        assertThat(h.view()).isEqualTo(h.copy());
      }
    }

    void append() {
      long from = log.committed() + 1 + rnd.nextInt((int) (lastIndex() - log.committed() + 1));
      if (from <= lastIndex()) {
        term++; // a new leader overwrites the tail
      }
      term = Math.max(term, termAt(from - 1));
      int n = 1 + rnd.nextInt(4);
      List<Entry> ents = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        byte[] data = new byte[rnd.nextInt(24)];
        rnd.nextBytes(data);
        ents.add(
            Entry.newBuilder()
                .setTerm(term)
                .setIndex(from + k)
                .setData(ByteString.copyFrom(data))
                .build());
      }
      assertThat(log.append(ents)).isEqualTo(from + n - 1);
      model.subList((int) (from - 1), model.size()).clear();
      model.addAll(ents);
    }

    void persist() {
      if (rnd.nextBoolean() && log.hasNextUnstableEnts()) {
        List<Entry> next = log.nextUnstableEnts();
        hold(next);
        log.acceptUnstable();
        assertThat(log.hasNextUnstableEnts()).isFalse();
        inFlight.add(next);
      } else if (!inFlight.isEmpty()) {
        List<Entry> done = inFlight.poll();
        storage.append(done);
        log.stableTo(EntryId.of(done.get(done.size() - 1)));
      }
    }

    void commitAndApply() {
      long last = lastIndex();
      if (last > log.committed()) {
        long at = log.committed() + 1 + rnd.nextInt((int) (last - log.committed()));
        assertThat(log.maybeCommit(new EntryId(termAt(at), at))).isTrue();
      }
      List<Entry> ents = log.nextCommittedEnts(true);
      hold(ents);
      long lo = log.applying() + 1;
      assertThat(ents).isEqualTo(modelSlice(lo, lo + ents.size()));
      if (!ents.isEmpty()) {
        long upTo = ents.get(ents.size() - 1).getIndex();
        long size = Util.entsSize(ents);
        log.acceptApplying(upTo, size, true);
        log.appliedTo(upTo, size);
      }
    }

    void compact() {
      // Only what is applied and already in storage may be compacted.
      long limit = Math.min(log.applied(), storage.lastIndex());
      limit = Math.min(limit, log.unstable().offset() - 1);
      if (limit > compacted) {
        long at = compacted + 1 + rnd.nextInt((int) (limit - compacted));
        storage.compact(at);
        compacted = at;
      }
    }

    void read() {
      long first = log.firstIndex();
      long last = log.lastIndex();
      assertThat(last).isEqualTo(lastIndex());
      assertThat(first).isEqualTo(Math.min(compacted + 1, storage.firstIndex()));
      long lo = first + rnd.nextInt((int) (last - first + 2));
      long hi = lo + rnd.nextInt((int) (last - lo + 2));
      long maxSize =
          switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> RaftConstants.NO_LIMIT;
            default -> rnd.nextInt(120);
          };
      List<Entry> got = log.slice(lo, hi, maxSize);
      hold(got);
      assertThat(got).isEqualTo(Util.limitSize(modelSlice(lo, hi), maxSize));

      long i = rnd.nextInt((int) last + 2);
      if (i + 1 < first) {
        assertThatThrownBy(() -> log.term(i)).isSameAs(CompactedException.INSTANCE);
      } else if (i > last) {
        assertThatThrownBy(() -> log.term(i)).isSameAs(UnavailableException.INSTANCE);
      } else {
        assertThat(log.term(i)).isEqualTo(termAt(i));
      }
      assertThat(log.lastEntryID()).isEqualTo(new EntryId(termAt(last), last));

      Unstable u = log.unstable();
      assertThat(u.offset()).isLessThanOrEqualTo(u.offsetInProgress());
      assertThat(u.offsetInProgress()).isLessThanOrEqualTo(u.offset() + u.entryCount());
      assertThat(log.applied()).isLessThanOrEqualTo(log.applying());
      assertThat(log.applying()).isLessThanOrEqualTo(log.committed());
    }

    void hold(List<Entry> view) {
      if (held.size() == 16) {
        held.remove(rnd.nextInt(held.size()));
      }
      held.add(new Held(view, List.copyOf(view)));
    }
  }

  @Test
  void randomOperations_matchAPlainList() {
    Random seeds = new Random(SEED);
    for (int r = 0; r < RUNS; r++) {
      long seed = seeds.nextLong();
      Run run = new Run(seed);
      int step = 0;
      try {
        for (; step < STEPS; step++) {
          run.step();
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " (from " + SEED + "), step " + step, e);
      }
    }
  }
}
