package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the Java in {@code README.md}, {@code docs/*.md} and Javadoc honest: every {@code ```java}
 * block, and every {@code <pre>{@code ...}</pre>} block in a main source's comments, must be
 * preceded by a marker line {@code <!-- snippet: path/to/Source.java -->} naming a source file
 * (relative to the repository root) that contains the block's lines, ignoring whitespace (so a
 * block may wrap a statement differently from the formatted source). The build compiles those
 * sources and a test runs them, so a snippet that stops compiling, or drifts from the code it was
 * taken from, fails this test. A line {@code // ...} inside a block skips any number of source
 * lines.
 */
final class DocSnippetsTest {

  private static final String MARKER_PREFIX = "<!-- snippet:";
  private static final String MARKER_SUFFIX = "-->";
  private static final String ELISION = "// ...";

  /**
   * Unmarked {@code ```java} blocks tolerated in pages this test does not own, as {@code
   * "page.md:firstLineOfBlock"}. Keep it empty; every entry is a snippet nobody compiles.
   */
  private static final Set<String> KNOWN_UNMARKED_BLOCKS = Set.of();

  /** One {@code ```java} block: where it is, its marker's path (or null) and its lines. */
  record Block(Path page, int line, String source, List<String> lines) {
    String where() {
      return page.getFileName() + ":" + line;
    }

    String key() {
      return page.getFileName() + ":" + (lines.isEmpty() ? "" : lines.get(0).strip());
    }
  }

  @Test
  void everyJavaBlockIsMarkedAndMatchesItsSource() throws IOException {
    Path root = repoRoot();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    List<Block> all = new ArrayList<>(blocks(root.resolve("docs")));
    all.addAll(blocks(List.of(root.resolve("README.md"))));
    all.addAll(javadocBlocks(root));
    for (Block b : all) {
      if (b.source() == null) {
        if (!KNOWN_UNMARKED_BLOCKS.contains(b.key())) {
          problems.add(
              b.where() + ": Java block without a preceding " + MARKER_PREFIX + " ... --> line");
        }
        continue;
      }
      Path src = root.resolve(b.source());
      if (!Files.isRegularFile(src)) {
        problems.add(b.where() + ": snippet source " + b.source() + " does not exist");
        continue;
      }
      int missing = firstUnmatchedLine(b.lines(), Files.readAllLines(src, StandardCharsets.UTF_8));
      if (missing >= 0) {
        problems.add(
            b.where()
                + ": not found in "
                + b.source()
                + " from block line "
                + (missing + 1)
                + ": "
                + b.lines().get(missing).strip());
      }
      checked++;
    }
    assertThat(problems).as("doc snippets (%d checked)", checked).isEmpty();
  }

  @Test
  void matcherFindsContiguousLinesAndHonoursElision() {
    List<String> source =
        List.of("class A {", "  void f() {", "    int x = 1;", "    int y = 2;", "  }", "}");
    assertThat(firstUnmatchedLine(List.of("void f() {", "  int x = 1;"), source)).isEqualTo(-1);
    assertThat(firstUnmatchedLine(List.of("void f() {", "int y = 2;"), source)).isEqualTo(1);
    assertThat(firstUnmatchedLine(List.of("void f() {", ELISION, "int y = 2;"), source))
        .isEqualTo(-1);
    assertThat(firstUnmatchedLine(List.of("int y = 2;", ELISION, "int x = 1;"), source))
        .isEqualTo(2);
    assertThat(firstUnmatchedLine(List.of("void f() { int x =", "1;"), source)).isEqualTo(-1);
    assertThat(firstUnmatchedLine(List.of("void f() {", "int x = 2;"), source)).isEqualTo(1);
  }

  @Test
  void blocksAreFoundWithTheirMarkers(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("a.md"),
        String.join(
            "\n",
            "text",
            "<!-- snippet: x/Y.java -->",
            "```java",
            "int a;",
            "```",
            "```java",
            "int b;",
            "```",
            "```text",
            "not java",
            "```",
            ""));
    List<Block> bs = blocks(dir);
    assertThat(bs).extracting(Block::source).containsExactly("x/Y.java", null);
    assertThat(bs).extracting(Block::lines).containsExactly(List.of("int a;"), List.of("int b;"));
  }

  /**
   * Returns the index of the first block line that cannot be matched, or -1. Runs of lines between
   * elisions must appear in order. Whitespace, line breaks included, is ignored: a snippet may wrap
   * a statement differently from the formatted source, but every token must be there, in the same
   * order, with nothing between them.
   */
  static int firstUnmatchedLine(List<String> block, List<String> source) {
    String text = withoutWhitespace(String.join("\n", source));
    int from = 0;
    int i = 0;
    while (i < block.size()) {
      if (block.get(i).strip().equals(ELISION)) {
        i++;
        continue;
      }
      int end = i;
      while (end < block.size() && !block.get(end).strip().equals(ELISION)) {
        end++;
      }
      String run = withoutWhitespace(String.join("\n", block.subList(i, end)));
      int at = text.indexOf(run, from);
      if (at < 0) {
        return i + longestPrefix(block.subList(i, end), text, from);
      }
      from = at + run.length();
      i = end;
    }
    return -1;
  }

  /** The number of leading lines of {@code run} found together at or after {@code from}. */
  private static int longestPrefix(List<String> run, String text, int from) {
    int k = 0;
    while (k < run.size()
        && text.indexOf(withoutWhitespace(String.join("\n", run.subList(0, k + 1))), from) >= 0) {
      k++;
    }
    return k;
  }

  private static String withoutWhitespace(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Test
  void javadocBlocksAreFoundWithTheirMarkers(@TempDir Path root) throws IOException {
    Path src = root.resolve("m/src/main/java/p/A.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        String.join(
            "\n",
            "/**",
            " * Text.",
            " * <!-- snippet: m/src/test/java/p/ATest.java -->",
            " * <pre>{@code",
            " * A a = new A();",
            " *   a.run();",
            " * }</pre>",
            " * <pre>{@code",
            " * unmarked();",
            " * }</pre>",
            " */",
            "class A {}",
            ""));
    List<Block> bs = javadocBlocks(root);
    assertThat(bs).extracting(Block::source).containsExactly("m/src/test/java/p/ATest.java", null);
    assertThat(bs)
        .extracting(Block::lines)
        .containsExactly(List.of("A a = new A();", "  a.run();"), List.of("unmarked();"));
  }

  /** The {@code <pre>{@code ...}</pre>} blocks in the comments of every module's main sources. */
  static List<Block> javadocBlocks(Path root) throws IOException {
    List<Path> sources = new ArrayList<>();
    List<Path> modules;
    try (Stream<Path> s = Files.list(root)) {
      modules = s.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).sorted().toList();
    }
    for (Path m : modules) {
      try (Stream<Path> s = Files.walk(m)) {
        s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(sources::add);
      }
    }
    List<Block> out = new ArrayList<>();
    for (Path src : sources) {
      List<String> lines = Files.readAllLines(src, StandardCharsets.UTF_8);
      String lastText = "";
      for (int i = 0; i < lines.size(); i++) {
        String text = commentText(lines.get(i));
        if (text.strip().equals("<pre>{@code")) {
          List<String> body = new ArrayList<>();
          int j = i + 1;
          while (j < lines.size() && !commentText(lines.get(j)).strip().equals("}</pre>")) {
            body.add(commentText(lines.get(j)));
            j++;
          }
          String m = lastText.strip();
          String source =
              m.startsWith(MARKER_PREFIX) && m.endsWith(MARKER_SUFFIX)
                  ? m.substring(MARKER_PREFIX.length(), m.length() - MARKER_SUFFIX.length()).strip()
                  : null;
          out.add(new Block(src, i + 1, source, List.copyOf(body)));
          i = j;
          lastText = "";
        } else if (!text.isBlank()) {
          lastText = text;
        }
      }
    }
    return out;
  }

  /** A comment line without its leading {@code *} and the one space after it. */
  private static String commentText(String line) {
    String t = line.stripLeading();
    if (!t.startsWith("*")) {
      return line;
    }
    t = t.substring(1);
    return t.startsWith(" ") ? t.substring(1) : t;
  }

  static List<Block> blocks(Path docs) throws IOException {
    List<Path> pages;
    try (Stream<Path> s = Files.list(docs)) {
      pages = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    return blocks(pages);
  }

  static List<Block> blocks(List<Path> pages) throws IOException {
    List<Block> out = new ArrayList<>();
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      String lastNonBlank = "";
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        String fence = line.strip();
        if (fence.startsWith("```")) {
          int close = i + 1;
          while (close < lines.size() && !lines.get(close).strip().equals("```")) {
            close++;
          }
          if (fence.equals("```java")) {
            String m = lastNonBlank.strip();
            String source =
                m.startsWith(MARKER_PREFIX) && m.endsWith(MARKER_SUFFIX)
                    ? m.substring(MARKER_PREFIX.length(), m.length() - MARKER_SUFFIX.length())
                        .strip()
                    : null;
            out.add(
                new Block(
                    page,
                    i + 1,
                    source,
                    List.copyOf(lines.subList(i + 1, Math.min(close, lines.size())))));
          }
          i = close;
          lastNonBlank = "";
          continue;
        }
        if (!line.isBlank()) {
          lastNonBlank = line;
        }
      }
    }
    return out;
  }

  private static Path repoRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("docs"))) {
      p = p.getParent();
    }
    assertThat(p).as("a docs/ folder above %s", System.getProperty("user.dir")).isNotNull();
    return p;
  }
}
