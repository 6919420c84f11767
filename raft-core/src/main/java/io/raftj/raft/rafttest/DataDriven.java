package io.raftj.raft.rafttest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Parses and runs data-driven scripts in the format of cockroachdb/datadriven v1.0.2, the format of
 * etcd raft's test scripts, and compares their output byte for byte.
 *
 * <p>A script is a sequence of directives. Lines starting with {@code #} and blank lines between
 * directives are ignored; a directive line ending in {@code \} continues on the next line. A
 * directive reads {@code cmd arg key=value key=(a, b, c)}, optionally followed by input lines, then
 * a {@code ----} line and the expected output up to the first blank line. Output that contains
 * blank lines is framed by a second {@code ----} line after the first and two {@code ----} lines at
 * its end.
 *
 * <p>{@link #run} executes each directive through a {@link Handler} and yields a {@link RunResult}
 * holding the script as it would read with the actual output; {@link #rewrite} writes that text
 * back to the file. Both are stateless and thread-safe; the handler need not be.
 */
public final class DataDriven {

  /** The system property ({@code -Draft.rewrite=true}) that asks test suites to rewrite scripts. */
  public static final String REWRITE_PROPERTY = "raft.rewrite";

  private static final String SEPARATOR = "----";

  private DataDriven() {}

  /**
   * Parses {@code text} into its directives.
   *
   * @param fileName the name used in {@link TestData#pos()}
   * @throws DataDrivenException if a directive line does not parse
   */
  public static List<TestData> parse(String fileName, String text) {
    List<TestData> out = new ArrayList<>();
    for (Block b : Script.parse(fileName, text).blocks) {
      out.add(b.data);
    }
    return out;
  }

  /** Reads {@code file} as UTF-8 and runs it; see {@link #run(String, String, Handler)}. */
  public static RunResult run(Path file, Handler handler) {
    return run(file.toString(), read(file), handler);
  }

  /**
   * Runs every directive of {@code text} through {@code handler} in order and compares each output
   * with the expected block. A directive that fails to parse, or a handler that throws, stops the
   * run; the result then carries the error and no rewritten text.
   */
  public static RunResult run(String name, String text, Handler handler) {
    Script script;
    try {
      script = Script.parse(name, text);
    } catch (DataDrivenException e) {
      return RunResult.error(name, text, e.getMessage(), e);
    }
    StringBuilder rewritten = new StringBuilder(text.length() + 64);
    int mismatches = 0;
    for (Block b : script.blocks) {
      String actual;
      try {
        actual = handler.handle(b.data);
      } catch (RuntimeException | AssertionError e) {
        String reason = e.getMessage() != null ? e.getMessage() : e.toString();
        String message = b.data.pos() + ": " + b.data.directive() + ": " + reason;
        return RunResult.error(name, text, message, e);
      }
      if (actual == null) {
        actual = "";
      }
      if (!actual.isEmpty() && !actual.endsWith("\n")) {
        actual += "\n";
      }
      if (!actual.equals(b.data.expected())) {
        mismatches++;
      }
      b.emitRewritten(rewritten, actual);
    }
    for (String line : script.trailer) {
      rewritten.append(line).append('\n');
    }
    // The last block's terminating blank line is only needed between blocks.
    int n = rewritten.length();
    if (n > 2 && rewritten.charAt(n - 1) == '\n' && rewritten.charAt(n - 2) == '\n') {
      rewritten.setLength(n - 1);
    }
    return new RunResult(
        name, text, rewritten.toString(), script.blocks.size(), mismatches, null, null);
  }

  /**
   * Runs {@code file} and, unless the run stopped on an error, writes the script back with the
   * actual output in place of the expected output (only when that changes the file). The result
   * still compares against the old expectations, so callers can tell which files changed.
   */
  public static RunResult rewrite(Path file, Handler handler) {
    RunResult result = run(file, handler);
    if (result.error() == null && !result.actual().equals(result.original())) {
      try {
        Files.writeString(file, result.actual(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }

  /**
   * Lists the script files under {@code path} (or {@code path} itself if it is a file) in the order
   * datadriven's {@code Walk} visits them: sorted by name, recursing into folders, skipping names
   * starting with {@code .} and editor leftovers ({@code *~}, {@code #*#}).
   */
  public static List<Path> walk(Path path) {
    List<Path> out = new ArrayList<>();
    walkInto(path, out);
    return out;
  }

  private static void walkInto(Path path, List<Path> out) {
    if (!Files.isDirectory(path)) {
      out.add(path);
      return;
    }
    List<Path> children;
    try (Stream<Path> s = Files.list(path)) {
      children = new ArrayList<>(s.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (name.startsWith(".")
          || name.endsWith("~")
          || (name.startsWith("#") && name.endsWith("#"))) {
        continue;
      }
      walkInto(child, out);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One directive and the raw lines that precede its {@code ----} (kept verbatim on rewrite). */
  private static final class Block {
    final TestData data;
    final List<String> lead;

    Block(TestData data, List<String> lead) {
      this.data = data;
      this.lead = lead;
    }

    void emitRewritten(StringBuilder out, String actual) {
      for (String line : lead) {
        out.append(line).append('\n');
      }
      out.append(SEPARATOR).append('\n');
      if (hasBlankLine(actual)) {
        out.append(SEPARATOR).append('\n').append(actual);
        out.append(SEPARATOR).append('\n').append(SEPARATOR).append('\n').append('\n');
      } else {
        out.append(actual).append('\n');
      }
    }

    /** A line of only spaces and tabs, ended by a newline (datadriven's {@code ^[\t ]*\n}). */
    private static boolean hasBlankLine(String s) {
      int start = 0;
      while (true) {
        int nl = s.indexOf('\n', start);
        if (nl < 0) {
          return false;
        }
        boolean blank = true;
        for (int i = start; i < nl && blank; i++) {
          char c = s.charAt(i);
          blank = c == ' ' || c == '\t';
        }
        if (blank) {
          return true;
        }
        start = nl + 1;
      }
    }
  }

  /** A parsed script: its blocks and the lines after the last one. */
  private static final class Script {
    final List<Block> blocks = new ArrayList<>();
    List<String> trailer = List.of();

    static Script parse(String fileName, String text) {
      String[] lines = splitLines(text);
      Script script = new Script();
      List<String> pending = new ArrayList<>();
      int i = 0;
      while (i < lines.length) {
        int lineNo = i + 1;
        String raw = lines[i++];
        pending.add(raw);
        String line = raw.strip();
        if (line.startsWith("#")) {
          continue;
        }
        while (line.endsWith("\\") && i < lines.length) {
          String next = lines[i++];
          pending.add(next);
          line = line.substring(0, line.length() - 1) + " " + next.strip();
        }
        String pos = fileName + ":" + lineNo;
        Directive d = Directive.parse(pos, line);
        if (d == null) {
          continue;
        }
        StringBuilder input = new StringBuilder();
        boolean separator = false;
        while (i < lines.length) {
          String l = lines[i++];
          if (l.equals(SEPARATOR)) {
            separator = true;
            break;
          }
          pending.add(l);
          input.append(l).append('\n');
        }
        String expected = "";
        if (separator) {
          StringBuilder buf = new StringBuilder();
          i = readExpected(pos, lines, i, buf);
          expected = buf.toString();
        }
        TestData data = new TestData(pos, d.cmd, d.args, input.toString().strip(), expected);
        script.blocks.add(new Block(data, List.copyOf(pending)));
        pending.clear();
      }
      script.trailer = List.copyOf(pending);
      return script;
    }

    /** Reads the expected block starting at line {@code i}; returns the next line to read. */
    private static int readExpected(String pos, String[] lines, int i, StringBuilder buf) {
      if (i < lines.length && lines[i].equals(SEPARATOR)) {
        // Double-separator form: ends at two consecutive separator lines.
        i++;
        while (i < lines.length) {
          String line = lines[i++];
          if (line.equals(SEPARATOR) && i < lines.length && lines[i].equals(SEPARATOR)) {
            i++;
            if (i < lines.length) {
              if (!lines[i].isEmpty()) {
                throw new DataDrivenException(
                    pos + ": non-blank line after end of double ---- separator section");
              }
              i++;
            }
            return i;
          }
          buf.append(line).append('\n');
        }
        return i;
      }
      // Single form: ends at the first blank line, which is consumed.
      while (i < lines.length) {
        String line = lines[i++];
        if (line.isBlank()) {
          return i;
        }
        buf.append(line).append('\n');
      }
      return i;
    }

    /** Splits as Go's bufio.Scanner does: no empty last line, a trailing CR is dropped. */
    private static String[] splitLines(String text) {
      if (text.isEmpty()) {
        return new String[0];
      }
      String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      String[] lines = body.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].endsWith("\r")) {
          lines[i] = lines[i].substring(0, lines[i].length() - 1);
        }
      }
      return lines;
    }
  }

  /** A parsed directive line. */
  private static final class Directive {
    final String cmd;
    final List<CmdArg> args;

    private Directive(String cmd, List<CmdArg> args) {
      this.cmd = cmd;
      this.args = args;
    }

    /** Parses a trimmed directive line; null for an empty line. */
    static Directive parse(String pos, String line) {
      if (line.isEmpty()) {
        return null;
      }
      int sp = line.indexOf(' ');
      String cmd = sp < 0 ? line : line.substring(0, sp);
      List<CmdArg> args = new ArrayList<>();
      int p = sp < 0 ? line.length() : sp;
      int n = line.length();
      while (true) {
        while (p < n && line.charAt(p) == ' ') {
          p++;
        }
        if (p >= n) {
          break;
        }
        int start = p;
        while (p < n && line.charAt(p) != ' ' && line.charAt(p) != '=') {
          p++;
        }
        String key = line.substring(start, p);
        if (p >= n || line.charAt(p) == ' ') {
          args.add(new CmdArg(key, List.of()));
          continue;
        }
        p++; // '='
        if (p < n && line.charAt(p) == '(') {
          int close = matchingParen(line, p);
          if (close < 0 || (close + 1 < n && line.charAt(close + 1) != ' ')) {
            throw new DataDrivenException(
                pos + ": cannot parse directive at column " + (start + 1) + ": " + line);
          }
          args.add(new CmdArg(key, splitTopLevel(line.substring(p + 1, close))));
          p = close + 1;
        } else {
          int end = line.indexOf(' ', p);
          if (end < 0) {
            end = n;
          }
          args.add(new CmdArg(key, List.of(line.substring(p, end))));
          p = end;
        }
      }
      return new Directive(cmd, args);
    }

    private static int matchingParen(String s, int open) {
      int depth = 0;
      for (int i = open; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          return i;
        }
      }
      return -1;
    }

    /** Cuts at commas outside nested parentheses, skipping spaces that follow a comma. */
    private static List<String> splitTopLevel(String s) {
      List<String> vals = new ArrayList<>();
      if (s.isEmpty()) {
        return vals;
      }
      int depth = 0;
      int start = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        } else if (c == ',' && depth == 0) {
          vals.add(s.substring(start, i));
          start = i + 1;
          while (start < s.length() && s.charAt(start) == ' ') {
            start++;
          }
          i = start - 1;
        }
      }
      vals.add(s.substring(start));
      return vals;
    }
  }
}
