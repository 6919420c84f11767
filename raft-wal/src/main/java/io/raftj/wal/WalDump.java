package io.raftj.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints a WAL directory: its segments, every record with its file and offset, entries (index,
 * term, type, size), hard states, snapshot markers, and a verdict on whether the log reads cleanly.
 * Built on {@link WalReader}, so it writes nothing and takes no lock: it can run beside a live
 * writer. In the spirit of etcd's {@code tools/etcd-dump-logs}; run it as {@code bin/wal-dump
 * [--entries-only] [--from INDEX] WAL_DIR} ({@code --help} for more).
 */
public final class WalDump {
  static final String USAGE =
      String.join(
          "\n",
          "usage: wal-dump [--entries-only] [--from INDEX] WAL_DIR",
          "",
          "Prints the write-ahead log in WAL_DIR (the directory holding the .wal files) record by",
          "record, then a verdict: OK, TORN TAIL (a crash mid-write; the next open repairs it) or",
          "CORRUPT (damage a crash cannot explain; nothing repairs it). Reads only: no lock, no",
          "repair, no change of any kind, so it is safe beside a running node.",
          "",
          "  WAL_DIR          raftj: <data-dir>/wal; etcd: <data-dir>/member/wal",
          "  --entries-only   one line per entry: term, index, type, data size",
          "  --from INDEX     skip entries before INDEX",
          "  -h, --help       this text",
          "",
          "Exit status: 0 if the log reads cleanly, 1 if not, 2 on bad usage or a missing directory.");

  private final PrintStream out;
  private final boolean entriesOnly;
  private final long from;

  private WalDump(PrintStream out, boolean entriesOnly, long from) {
    this.out = out;
    this.entriesOnly = entriesOnly;
    this.from = from;
  }

  /**
   * Runs the tool and exits with its status.
   *
   * @param args the command line; see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Path dir = null;
    boolean entriesOnly = false;
    long from = 0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        out.println(USAGE);
        return 0;
      } else if (a.equals("--entries-only")) {
        entriesOnly = true;
      } else if (a.equals("--from")) {
        if (i + 1 >= args.length) {
          return usage(err, "--from needs an index");
        }
        String v = args[++i];
        try {
          from = Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
          return usage(err, "--from needs an index (a non-negative integer), not \"" + v + "\"");
        }
      } else if (a.startsWith("-")) {
        return usage(err, "unknown option " + a);
      } else if (dir != null) {
        return usage(err, "one WAL directory only; got " + dir + " and " + a);
      } else {
        dir = Path.of(a);
      }
    }
    if (dir == null) {
      return usage(err, "no WAL directory given");
    }
    String problem = checkDir(dir);
    if (problem != null) {
      err.println("wal-dump: " + problem);
      return 2;
    }
    try {
      return new WalDump(out, entriesOnly, from).dump(dir) ? 0 : 1;
    } catch (IOException e) {
      err.println("wal-dump: cannot read " + dir + ": " + e);
      return 1;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println("wal-dump: " + problem);
    err.println(USAGE.lines().findFirst().orElse(""));
    err.println("(wal-dump --help for more)");
    return 2;
  }

  /**
   * What is wrong with {@code dir} as a WAL directory, with a hint at the right one; null if it
   * holds segments.
   */
  static String checkDir(Path dir) {
    if (!Files.exists(dir)) {
      return "no such directory: " + dir;
    }
    if (!Files.isDirectory(dir)) {
      return dir + " is a file; give the directory holding the .wal files";
    }
    if (!Files.isReadable(dir)) {
      return "cannot read directory " + dir + ": permission denied";
    }
    if (WalNames.exist(WalFs.nio(), dir)) {
      return null;
    }
    String hint = "";
    if (Files.isDirectory(dir.resolve("member").resolve("wal"))) {
      hint = "; it looks like an etcd data directory: try " + dir.resolve("member").resolve("wal");
    } else if (Files.isDirectory(dir.resolve("wal"))) {
      hint = "; it looks like a data directory: try " + dir.resolve("wal");
    }
    return "no .wal files in " + dir + hint;
  }

  /** Dumps {@code dir}; returns whether it read cleanly to the end. */
  static boolean dump(Path dir, PrintStream out, boolean entriesOnly, long from)
      throws IOException {
    return new WalDump(out, entriesOnly, from).dump(dir);
  }

  private boolean dump(Path dir) throws IOException {
    try (WalReader r = WalReader.open(dir)) {
      List<WalSegment> segments = r.segments();
      if (!entriesOnly) {
        out.println("WAL " + dir);
        out.println("segments:");
        for (WalSegment s : segments) {
          out.printf(
              "  %s  seq=%d first-index=%d size=%d%n", s.name(), s.seq(), s.firstIndex(), s.size());
        }
        if (!r.sequenceIsContinuous()) {
          out.println("  warning: sequence numbers do not increase continuously");
        }
        out.println("records:");
      } else {
        out.printf("%-10s %-10s %-18s %s%n", "term", "index", "type", "size");
      }
      Walk w = new Walk(segments.get(segments.size() - 1).name());
      String verdict = walk(r, w);
      out.printf(
          "verdict: %s (%d records, %d entries, last index %d, last hard state %s)%n",
          verdict, w.records, w.entries, w.lastIndex, w.state);
      return verdict.equals("OK");
    }
  }

  /** What the walk has seen so far. */
  private static final class Walk {
    final String lastSegment;
    int records;
    int entries;
    long lastIndex;
    String state = "none";

    /** The first fault: a record with a bad CRC or payload. */
    String firstFault;

    int faults;

    /** Records read after the first fault, and how many of them check out. */
    int afterFault;

    int cleanAfterFault;

    /** Records after an unreadable frame, whose CRC cannot be checked (see WalRecord.Check). */
    int unverifiedAfterFault;

    /** The segment of the last record read. */
    String segment;

    Walk(String lastSegment) {
      this.lastSegment = lastSegment;
    }
  }

  private String walk(WalReader r, Walk w) {
    while (true) {
      WalRecord rec;
      try {
        rec = r.next();
      } catch (TornTailException e) {
        return endsInside(w, e);
      } catch (IOException e) {
        return corrupt(w, "read failed: " + e);
      }
      if (rec == null) {
        return w.firstFault == null ? "OK" : corrupt(w, null);
      }
      w.segment = rec.segment();
      w.records++;
      String where = rec.segment() + "@" + rec.offset();
      String problem = null;
      if (rec.check() == WalRecord.Check.UNREADABLE) {
        problem = "unreadable frame (not a walpb.Record)";
      } else if (rec.check() == WalRecord.Check.CRC_MISMATCH) {
        problem =
            "crc mismatch ("
                + rec.typeName()
                + " record stores "
                + String.format("%08x", rec.crc())
                + ")";
      }
      try {
        if (rec.check() != WalRecord.Check.UNREADABLE) {
          show(rec, where, w);
        }
      } catch (InvalidProtocolBufferException e) {
        String undecodable = "undecodable " + rec.typeName() + " record: " + e.getMessage();
        problem = problem == null ? undecodable : problem + ", " + undecodable;
      }
      if (w.firstFault != null) {
        w.afterFault++;
        if (problem == null && rec.check() == WalRecord.Check.OK) {
          w.cleanAfterFault++;
        } else if (problem == null) {
          w.unverifiedAfterFault++;
        }
      }
      if (problem != null) {
        fault(w, where, problem);
      }
    }
  }

  private void fault(Walk w, String where, String problem) {
    w.faults++;
    String msg = problem + " at " + where;
    if (w.firstFault == null) {
      w.firstFault = msg;
    }
    if (!entriesOnly) {
      out.println("  error: " + msg);
    }
  }

  /** The log ends inside a record: a torn tail if a crash can explain it, else corruption. */
  private String endsInside(Walk w, TornTailException e) {
    boolean atSegmentStart = e.offset() == 0 || !e.file().equals(w.segment);
    if (!entriesOnly) {
      out.println("  error: " + e.getMessage());
    }
    if (atSegmentStart) {
      return corrupt(
          w,
          "no readable record in "
              + e.file()
              + " from offset 0: not a WAL segment,"
              + " or overwritten from its start (a crash mid-write cannot leave this)");
    }
    if (!e.file().equals(w.lastSegment)) {
      return corrupt(
          w,
          "segment "
              + e.file()
              + " ends inside a record at offset "
              + e.offset()
              + ", but it is not the last segment");
    }
    if (w.firstFault != null) {
      return corrupt(w, "no record can be framed from " + e.file() + "@" + e.offset() + " on");
    }
    return "TORN TAIL (repairable: the last record, at "
        + e.file()
        + "@"
        + e.offset()
        + ", was cut short by a crash; the next open truncates it)";
  }

  private static String corrupt(Walk w, String end) {
    StringBuilder b = new StringBuilder("CORRUPT (");
    if (w.firstFault != null) {
      b.append(w.firstFault)
          .append("; after it ")
          .append(w.afterFault)
          .append(" records, ")
          .append(w.cleanAfterFault)
          .append(" of them intact");
      if (w.unverifiedAfterFault > 0) {
        b.append(", ")
            .append(w.unverifiedAfterFault)
            .append(" unverifiable (the chain restarts there)");
      }
      if (w.faults > 1) {
        b.append(", ").append(w.faults).append(" faults in all");
      }
      if (end != null) {
        b.append("; then ").append(end);
      }
    } else {
      b.append(end);
    }
    return b.append(')').toString();
  }

  private void show(WalRecord rec, String where, Walk w) throws InvalidProtocolBufferException {
    if (rec.type() == Wal.ENTRY_TYPE) {
      Entry e = rec.entry();
      w.entries++;
      w.lastIndex = e.getIndex();
      if (Long.compareUnsigned(e.getIndex(), from) < 0) {
        return;
      }
      if (entriesOnly) {
        out.printf(
            "%-10d %-10d %-18s %d%n", e.getTerm(), e.getIndex(), e.getType(), e.getData().size());
      } else {
        out.printf(
            "  %-44s entry     index=%d term=%d type=%s size=%d%n",
            where, e.getIndex(), e.getTerm(), e.getType(), e.getData().size());
      }
      return;
    }
    String line;
    if (rec.type() == Wal.STATE_TYPE) {
      HardState st = rec.hardState();
      w.state =
          String.format("term=%d vote=%x commit=%d", st.getTerm(), st.getVote(), st.getCommit());
      line = "state     " + w.state;
    } else if (rec.type() == Wal.SNAPSHOT_TYPE) {
      Snapshot s = rec.snapshotMarker();
      line =
          String.format(
              "snapshot  index=%d term=%d%s",
              s.getIndex(),
              s.getTerm(),
              s.hasConfState()
                  ? " conf-state=" + s.getConfState().toString().replace('\n', ' ').trim()
                  : "");
    } else if (rec.type() == Wal.METADATA_TYPE) {
      line = "metadata  size=" + rec.data().size();
    } else if (rec.type() == Wal.CRC_TYPE) {
      line = String.format("crc       crc=%08x", rec.crc());
    } else {
      line = "unknown   type=" + rec.type();
    }
    if (!entriesOnly) {
      out.printf("  %-44s %s%n", where, line);
    }
    if (line.startsWith("unknown")) {
      throw new InvalidProtocolBufferException("not a record type etcd writes");
    }
  }
}
