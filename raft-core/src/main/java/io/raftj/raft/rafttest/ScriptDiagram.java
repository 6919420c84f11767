package io.raftj.raft.rafttest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the message flow of an interaction script as a Mermaid sequence diagram: the script runs
 * through a fresh {@link InteractionEnv}, and every message the harness delivers or drops (the
 * message lines {@code deliver-msgs} prints, and those under a {@code > N receiving messages}
 * header of {@code stabilize}) becomes an arrow; the commands that set things in motion ({@code
 * campaign}, {@code propose}, {@code transfer-leadership}, ...) become notes. Messages that only
 * appear in a Ready ({@code Messages:}) are sent, not delivered, and are left out, and so are steps
 * run under {@code log-level none}, which print nothing (scripts use that for their setup), along
 * with their notes. Backs {@code bin/raft-script --diagram}; etcd has no counterpart, its scripts
 * are read as text only.
 */
public final class ScriptDiagram {

  private static final Pattern MESSAGE =
      Pattern.compile("^\\s*(dropped: )?(\\w+)->(\\w+) (Msg\\w+)(.*)$");
  private static final Pattern HEADER = Pattern.compile("^\\s*> \\S+ (.*)$");
  private static final Set<String> NOTED =
      Set.of(
          "campaign",
          "propose",
          "propose-conf-change",
          "transfer-leadership",
          "read-index",
          "tick-election",
          "tick-heartbeat",
          "tick",
          "send-snapshot",
          "report-snapshot",
          "report-unreachable",
          "compact",
          "forget-leader");

  private ScriptDiagram() {}

  /**
   * Runs {@code script} and returns its diagram, starting with {@code sequenceDiagram}.
   *
   * @throws IllegalStateException when the script stops on an error, or holds a command that is not
   *     an interaction command (a quorum or confchange script, say)
   */
  public static String render(Path script) {
    List<String[]> outputs = new ArrayList<>();
    InteractionEnv env = new InteractionEnv();
    RunResult r =
        DataDriven.run(
            script,
            d -> {
              boolean quiet = env.output().quiet();
              String out = env.handle(d);
              if (out.equals(InteractionEnv.UNKNOWN_COMMAND)
                  || out.endsWith("\n" + InteractionEnv.UNKNOWN_COMMAND)) {
                throw new IllegalStateException(
                    "not an interaction command; --diagram draws interaction scripts only");
              }
              if (!quiet) {
                outputs.add(new String[] {d.cmd(), d.directive(), out});
              }
              return out;
            });
    if (r.error() != null) {
      throw new IllegalStateException(r.error(), r.cause());
    }
    List<String> lines = new ArrayList<>();
    Set<String> participants = new TreeSet<>(ScriptDiagram::compareTargets);
    for (String[] o : outputs) {
      render(o[0], o[1], o[2], lines, participants);
    }
    StringBuilder sb = new StringBuilder("sequenceDiagram\n");
    for (String p : participants) {
      sb.append("    participant ").append(id(p)).append(" as ").append(p).append('\n');
    }
    for (String l : lines) {
      sb.append("    ").append(l).append('\n');
    }
    return sb.toString();
  }

  /** Adds the arrows and notes for one directive's output. */
  static void render(
      String cmd, String directive, String output, List<String> lines, Set<String> participants) {
    if (NOTED.contains(cmd)) {
      String[] words = directive.split(" ");
      String over = words.length > 1 && words[1].matches("\\d+") ? words[1] : null;
      if (over == null && directive.contains("from=")) {
        over = directive.replaceAll(".*from=(\\d+).*", "$1");
      }
      if (over != null) {
        participants.add(over);
        lines.add("Note over " + id(over) + ": " + escape(directive));
      }
    }
    boolean stabilize = cmd.equals("stabilize");
    boolean receiving = false;
    for (String line : output.split("\n", -1)) {
      Matcher h = HEADER.matcher(line);
      if (h.matches()) {
        receiving = h.group(1).equals("receiving messages");
        continue;
      }
      Matcher m = MESSAGE.matcher(line);
      if (!m.matches() || (stabilize && !receiving)) {
        continue;
      }
      if (!stabilize && !cmd.equals("deliver-msgs")) {
        continue;
      }
      String from = m.group(2);
      String to = m.group(3);
      participants.add(from);
      participants.add(to);
      String arrow = m.group(1) != null ? "-x" : "->>";
      String label = m.group(4) + m.group(5) + (m.group(1) != null ? " (dropped)" : "");
      lines.add(id(from) + arrow + id(to) + ": " + escape(label));
    }
  }

  private static int compareTargets(String a, String b) {
    boolean na = a.matches("[0-9a-f]+");
    boolean nb = b.matches("[0-9a-f]+");
    if (na && nb) {
      return Long.compareUnsigned(Long.parseUnsignedLong(a, 16), Long.parseUnsignedLong(b, 16));
    }
    return na ? -1 : nb ? 1 : a.compareTo(b);
  }

  private static String id(String target) {
    return "n" + target;
  }

  /** Mermaid ends a message at {@code ;} and reads {@code #} as an entity code. */
  private static String escape(String s) {
    return s.replace("#", "#35;").replace(";", "#59;");
  }
}
