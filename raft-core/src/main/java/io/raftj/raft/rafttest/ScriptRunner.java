package io.raftj.raft.rafttest;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command-line runner behind {@code bin/raft-script}: runs data-driven scripts and reports
 * {@code PASS name} or {@code FAIL name} (with a unified diff or a one-line reason) per file, then
 * {@code N passed, N failed}.
 *
 * <pre>
 * raft-script [--kind KIND] [--rewrite] FILE_OR_DIR...
 * raft-script --diagram FILE
 * </pre>
 *
 * <p>Folders are walked in sorted order. Each file's kind comes from {@code --kind} or else from
 * the folder it is in (see {@link ScriptKinds#kindOf}). With {@code --rewrite} the actual output is
 * written back into the files ({@code REWROTE name}) instead of being compared. The exit status is
 * 0 when every file passed, 1 when any failed and 2 for bad usage. {@code --diagram} prints an
 * interaction script's message flow as a Mermaid sequence diagram instead (see {@link
 * ScriptDiagram}); it exits 1 when the script stops on an error, and refuses (status 2) a script of
 * another kind.
 */
public final class ScriptRunner {

  private static final String USAGE =
      "usage: raft-script [--kind KIND] [--rewrite] FILE_OR_DIR...\n       raft-script --diagram FILE";

  private ScriptRunner() {}

  /** Runs the scripts named by {@code args} and exits with the status {@link #run} returns. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.exit(run(args, out));
  }

  /** Runs the scripts named by {@code args}, printing to {@code out}; returns the exit status. */
  public static int run(String[] args, PrintStream out) {
    String kindName = null;
    boolean rewrite = false;
    List<Path> roots = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--diagram") && args.length == 2 && i == 0) {
        return diagram(Path.of(args[1]), out);
      } else if (a.equals("--rewrite")) {
        rewrite = true;
      } else if (a.equals("--kind") && i + 1 < args.length) {
        kindName = args[++i];
      } else if (a.startsWith("--kind=")) {
        kindName = a.substring("--kind=".length());
      } else if (a.equals("-h") || a.equals("--help")) {
        out.println(USAGE);
        return 0;
      } else if (a.startsWith("-")) {
        out.println("unknown option " + a);
        out.println(USAGE);
        return 2;
      } else {
        roots.add(Path.of(a));
      }
    }
    if (roots.isEmpty()) {
      out.println(USAGE);
      return 2;
    }
    int passed = 0;
    int failed = 0;
    for (Path root : roots) {
      if (!Files.exists(root)) {
        out.println("FAIL " + root);
        out.println("  no such file or directory");
        failed++;
        continue;
      }
      for (Path file : DataDriven.walk(root)) {
        if (runOne(file, kindName, rewrite, out)) {
          passed++;
        } else {
          failed++;
        }
      }
    }
    out.println(passed + " passed, " + failed + " failed");
    return failed == 0 ? 0 : 1;
  }

  private static int diagram(Path file, PrintStream out) {
    if (!Files.isRegularFile(file)) {
      out.println("no such file " + file);
      return 1;
    }
    String kind = ScriptKinds.kindOf(file);
    if (kind != null && !kind.equals(ScriptKinds.INTERACTION)) {
      out.println(
          "cannot draw "
              + file
              + ": a "
              + kind
              + " script; --diagram draws interaction scripts only");
      return 2;
    }
    try {
      out.print(ScriptDiagram.render(file));
      return 0;
    } catch (IllegalStateException | UncheckedIOException e) {
      out.println("cannot draw " + file + ": " + e.getMessage());
      return 1;
    }
  }

  private static boolean runOne(Path file, String kindName, boolean rewrite, PrintStream out) {
    String name = file.toString();
    String kind = kindName != null ? kindName : ScriptKinds.kindOf(file);
    if (kind == null) {
      return fail(out, name, "cannot tell the script kind from the folder names; use --kind");
    }
    ScriptKind k = ScriptKinds.lookup(kind);
    if (k == null) {
      return fail(out, name, "no handler registered for script kind \"" + kind + "\"");
    }
    RunResult r;
    try {
      r = rewrite ? DataDriven.rewrite(file, k.newHandler()) : DataDriven.run(file, k.newHandler());
    } catch (UncheckedIOException e) {
      return fail(out, name, e.getCause().toString());
    }
    if (r.error() != null) {
      return fail(out, name, r.error().replace('\n', ' '));
    }
    if (rewrite) {
      out.println((r.actual().equals(r.original()) ? "PASS " : "REWROTE ") + name);
      return true;
    }
    if (r.passed()) {
      out.println("PASS " + name);
      return true;
    }
    out.println("FAIL " + name);
    out.print(r.diff());
    return false;
  }

  private static boolean fail(PrintStream out, String name, String reason) {
    out.println("FAIL " + name);
    out.println("  " + reason);
    return false;
  }
}
