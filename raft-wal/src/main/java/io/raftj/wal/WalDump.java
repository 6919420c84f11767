package io.raftj.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a WAL directory: its segments, every record with its file and offset, entries (index,
 * term, type, size), hard states, snapshot markers, and a verdict on whether the log reads
 * cleanly. Read-only and lock-free, so it can run beside a live writer. In the spirit of etcd's
 * {@code tools/etcd-dump-logs}; run it with {@code bin/wal-dump DIR [--entries-only] [--from INDEX]}.
 */
public final class WalDump {
  private final PrintStream out;
  private final boolean entriesOnly;
  private final long from;

  private WalDump(PrintStream out, boolean entriesOnly, long from) {
    this.out = out;
    this.entriesOnly = entriesOnly;
    this.from = from;
  }

  public static void main(String[] args) throws IOException {
    Path dir = null;
    boolean entriesOnly = false;
    long from = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--entries-only":
          entriesOnly = true;
          break;
        case "--from":
          if (i + 1 >= args.length) {
            usage("--from needs an index");
          }
          from = Long.parseUnsignedLong(args[++i]);
          break;
        default:
          if (args[i].startsWith("-") || dir != null) {
            usage("unexpected argument: " + args[i]);
          }
          dir = Path.of(args[i]);
      }
    }
    if (dir == null) {
      usage("no WAL directory given");
    }
    boolean ok = new WalDump(System.out, entriesOnly, from).dump(dir);
    System.exit(ok ? 0 : 1);
  }

  private static void usage(String problem) {
    System.err.println("wal-dump: " + problem);
    System.err.println("usage: wal-dump DIR [--entries-only] [--from INDEX]");
    System.exit(2);
  }

  /** Dumps {@code dir}; returns whether it read cleanly to the end. */
  static boolean dump(Path dir, PrintStream out, boolean entriesOnly, long from) throws IOException {
    return new WalDump(out, entriesOnly, from).dump(dir);
  }

  private boolean dump(Path dir) throws IOException {
    WalFs fs = WalOptions.DEFAULT.fs();
    List<String> names;
    try {
      names = WalNames.readWalNames(fs, dir);
    } catch (IOException e) {
      out.println("verdict: cannot read " + dir + ": " + e.getMessage());
      return false;
    }
    if (!entriesOnly) {
      out.println("WAL " + dir);
      out.println("segments:");
      for (String n : names) {
        WalNames.Segment s = WalNames.parse(n);
        out.printf("  %s  seq=%d first-index=%d size=%d%n", n, s.seq(), s.index(), Files.size(dir.resolve(n)));
      }
      if (!WalNames.isValidSeq(names)) {
        out.println("  warning: sequence numbers do not increase continuously");
      }
      out.println("records:");
    } else {
      out.printf("%-10s %-10s %-18s %s%n", "term", "index", "type", "size");
    }
    List<WalFs.WalFile> files = Verifier.openAll(fs, dir, names);
    Counts counts = new Counts();
    String verdict;
    try {
      verdict = walk(new Decoder(files, true, false), counts);
    } finally {
      Wal.closeAll(files, null);
    }
    out.printf("verdict: %s (%d records, %d entries, last index %d, last hard state %s)%n", verdict,
        counts.records, counts.entries, counts.lastIndex, counts.state);
    return verdict.equals("OK");
  }

  private static final class Counts {
    int records;
    int entries;
    long lastIndex;
    String state = "none";
    final List<String> problems = new ArrayList<>();
  }

  private String walk(Decoder d, Counts counts) {
    while (true) {
      Decoder.Rec rec;
      try {
        rec = d.decode();
      } catch (CrcMismatchException e) {
        // the decoder moved past it; show it and keep reading
        problem(counts, e.getMessage());
        continue;
      } catch (TornTailException e) {
        problem(counts, e.getMessage());
        return counts.problems.size() == 1 ? "TORN TAIL (repairable: " + e.getMessage() + ")"
            : "CORRUPT (" + counts.problems.get(0) + ")";
      } catch (IOException e) {
        problem(counts, e.getMessage());
        return "CORRUPT (" + counts.problems.get(0) + ")";
      }
      if (rec == null) {
        return counts.problems.isEmpty() ? "OK" : "CORRUPT (" + counts.problems.get(0) + ")";
      }
      counts.records++;
      String where = d.fileName() + "@" + d.lastRecordOffset();
      try {
        show(d, rec, where, counts);
      } catch (InvalidProtocolBufferException e) {
        problem(counts, "undecodable data in record at " + where + ": " + e.getMessage());
      } catch (IOException e) {
        problem(counts, e.getMessage());
      }
    }
  }

  private void show(Decoder d, Decoder.Rec rec, String where, Counts counts) throws IOException {
    if (rec.type == Wal.ENTRY_TYPE) {
      Entry e = rec.parse(Entry.parser());
      counts.entries++;
      counts.lastIndex = e.getIndex();
      if (Long.compareUnsigned(e.getIndex(), from) < 0) {
        return;
      }
      if (entriesOnly) {
        out.printf("%-10d %-10d %-18s %d%n", e.getTerm(), e.getIndex(), e.getType(), e.getData().size());
      } else {
        out.printf("  %-44s entry     index=%d term=%d type=%s size=%d%n", where, e.getIndex(), e.getTerm(),
            e.getType(), e.getData().size());
      }
      return;
    }
    String line;
    if (rec.type == Wal.STATE_TYPE) {
      HardState st = rec.parse(HardState.parser());
      counts.state = String.format("term=%d vote=%x commit=%d", st.getTerm(), st.getVote(), st.getCommit());
      line = "state     " + counts.state;
    } else if (rec.type == Wal.SNAPSHOT_TYPE) {
      Snapshot s = rec.parse(Snapshot.parser());
      line = String.format("snapshot  index=%d term=%d%s", s.getIndex(), s.getTerm(),
          s.hasConfState() ? " conf-state=" + s.getConfState().toString().replace('\n', ' ').trim() : "");
    } else if (rec.type == Wal.METADATA_TYPE) {
      line = "metadata  size=" + (rec.hasData ? rec.dataLen : 0);
    } else if (rec.type == Wal.CRC_TYPE) {
      line = String.format("crc       crc=%08x", rec.crc);
      Wal.checkCrcRecord(d, rec);
    } else {
      line = "unknown   type=" + rec.type;
      problem(counts, "unexpected block type " + rec.type + " at " + where);
    }
    if (!entriesOnly) {
      out.printf("  %-44s %s%n", where, line);
    }
  }

  private void problem(Counts counts, String msg) {
    counts.problems.add(msg);
    if (!entriesOnly) {
      out.println("  error: " + msg);
    }
  }
}
