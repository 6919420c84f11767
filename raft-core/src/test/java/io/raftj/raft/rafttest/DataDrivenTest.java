package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DataDrivenTest {

  /** Echoes the directive and its input, so expectations can be written by hand. */
  private static final Handler ECHO =
      d -> d.directive() + (d.input().isEmpty() ? "" : "\n" + d.input());

  @Test
  void parse_skipsCommentsAndBlankLines() {
    List<TestData> ds =
        DataDriven.parse("f.txt", "# a comment\n\n   # indented comment\n\ncmd\n----\nout\n");
    assertThat(ds).hasSize(1);
    TestData d = ds.get(0);
    assertThat(d.pos()).isEqualTo("f.txt:5");
    assertThat(d.cmd()).isEqualTo("cmd");
    assertThat(d.cmdArgs()).isEmpty();
    assertThat(d.input()).isEmpty();
    assertThat(d.expected()).isEqualTo("out\n");
  }

  @Test
  void parse_argumentForms() {
    TestData d =
        DataDriven.parse(
                "f",
                "cmd  bare empty= k=v q=\"x\" list=(1,2, 3) sp=( a , b) nest=(f(1,2),g) none=()\n"
                    + "----\n")
            .get(0);
    assertThat(d.cmdArgs())
        .containsExactly(
            new CmdArg("bare", List.of()),
            new CmdArg("empty", List.of("")),
            new CmdArg("k", List.of("v")),
            new CmdArg("q", List.of("\"x\"")),
            new CmdArg("list", List.of("1", "2", "3")),
            new CmdArg("sp", List.of(" a ", "b")),
            new CmdArg("nest", List.of("f(1,2)", "g")),
            new CmdArg("none", List.of()));
    assertThat(d.directive())
        .isEqualTo("cmd bare empty= k=v q=\"x\" list=(1, 2, 3) sp=( a , b) nest=(f(1,2), g) none");
  }

  @Test
  void parse_unterminatedParenthesis_isAnError() {
    assertThatThrownBy(() -> DataDriven.parse("f", "\ncmd a=(1,2\n----\n"))
        .isInstanceOf(DataDrivenException.class)
        .hasMessage("f:2: cannot parse directive at column 5: cmd a=(1,2");
    assertThatThrownBy(() -> DataDriven.parse("f", "cmd a=(1)x\n----\n"))
        .isInstanceOf(DataDrivenException.class);
  }

  @Test
  void parse_inputLinesAreJoinedAndTrimmed_commentsIncluded() {
    TestData d = DataDriven.parse("f", "cmd\n  v1 v2\n# kept\n\n----\nok\n").get(0);
    assertThat(d.input()).isEqualTo("v1 v2\n# kept");
    assertThat(d.expected()).isEqualTo("ok\n");
  }

  @Test
  void parse_singleForm_endsAtFirstBlankLine_orAtEndOfFile() {
    List<TestData> ds = DataDriven.parse("f", "a\n----\nx\ny\n \nb\n----\nz");
    assertThat(ds).extracting(TestData::expected).containsExactly("x\ny\n", "z\n");
  }

  @Test
  void parse_emptyExpected_andMissingSeparator() {
    List<TestData> ds = DataDriven.parse("f", "a\n----\n\nb\n----\n\nc\n");
    assertThat(ds).extracting(TestData::expected).containsExactly("", "", "");
    assertThat(ds).extracting(TestData::cmd).containsExactly("a", "b", "c");
  }

  @Test
  void parse_doubleSeparatorForm_keepsBlankLines() {
    String text = "a\n----\n----\nx\n\ny\n----\nnot the end\n----\n----\n\nb\n----\nz\n";
    List<TestData> ds = DataDriven.parse("f", text);
    assertThat(ds)
        .extracting(TestData::expected)
        .containsExactly("x\n\ny\n----\nnot the end\n", "z\n");
  }

  @Test
  void parse_doubleSeparatorForm_needsBlankLineAfterIt() {
    assertThatThrownBy(() -> DataDriven.parse("f", "a\n----\n----\nx\n----\n----\nb\n"))
        .isInstanceOf(DataDrivenException.class)
        .hasMessageContaining("non-blank line after end of double ---- separator section");
  }

  @Test
  void parse_lineContinuation_joinsWithOneSpace() {
    TestData d = DataDriven.parse("f", "cmd a=1 \\\n    b=2\\\n c=3\n----\n").get(0);
    assertThat(d.directive()).isEqualTo("cmd a=1 b=2 c=3");
  }

  @Test
  void parse_carriageReturnsAreDropped() {
    TestData d = DataDriven.parse("f", "cmd k=v\r\nin\r\n----\r\nout\r\n").get(0);
    assertThat(d.scanString("k")).isEqualTo("v");
    assertThat(d.input()).isEqualTo("in");
    assertThat(d.expected()).isEqualTo("out\n");
  }

  @Test
  void run_matchingOutput_passes() {
    String text = "# c\ncmd k=v\n----\ncmd k=v\n\n\nother\nin\n----\nother\nin\n";
    RunResult r = DataDriven.run("f", text, ECHO);
    assertThat(r.passed()).isTrue();
    assertThat(r.cases()).isEqualTo(2);
    assertThat(r.actual()).isEqualTo(text);
    assertThat(r.diff()).isEmpty();
    assertThat(r.failureMessage()).isEmpty();
  }

  @Test
  void run_outputIsComparedByteForByte() {
    // A trailing space is a difference; a missing final newline is not (the runner adds it).
    RunResult r = DataDriven.run("f", "a\n----\nx \n", d -> "x");
    assertThat(r.passed()).isFalse();
    assertThat(r.mismatches()).isEqualTo(1);
    assertThat(r.diff())
        .isEqualTo("--- f (expected)\n+++ f (actual)\n@@ -1,3 +1,3 @@\n a\n ----\n-x \n+x\n");
    assertThatThrownBy(r::assertPassed)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("1 of 1 directives differ in f:\n--- f (expected)");
  }

  @Test
  void run_handlerFailure_stopsWithPosition() {
    RunResult r =
        DataDriven.run(
            "f",
            "ok\n----\nok\n\nboom k=1\n----\n",
            d -> {
              if (d.cmd().equals("boom")) {
                throw new DataDrivenException("bad input");
              }
              return "ok";
            });
    assertThat(r.passed()).isFalse();
    assertThat(r.error()).isEqualTo("f:5: boom k=1: bad input");
    assertThat(r.actual()).isNull();
    assertThat(r.cause()).isInstanceOf(DataDrivenException.class);
  }

  @Test
  void run_rewrittenText_replacesOnlyExpectedBlocks() {
    String text =
        "# head\n\ncmd a\n----\nstale\nlines\n\n\n# between\ncmd b\ninput\n----\n\ncmd c\n----\nold";
    RunResult r = DataDriven.run("f", text, d -> d.cmd() + " " + d.cmdArgs().get(0).key());
    assertThat(r.actual())
        .isEqualTo(
            "# head\n\ncmd a\n----\ncmd a\n\n\n# between\ncmd b\ninput\n----\ncmd b\n\n"
                + "cmd c\n----\ncmd c\n");
    assertThat(
            DataDriven.run("f", r.actual(), d -> d.cmd() + " " + d.cmdArgs().get(0).key()).passed())
        .isTrue();
  }

  @Test
  void run_outputWithBlankLines_isRewrittenInDoubleSeparatorForm_andRoundTrips() {
    Handler h = d -> "x\n\ny\n";
    RunResult r = DataDriven.run("f", "a\n----\n\nb\n----\n", h);
    assertThat(r.actual())
        .isEqualTo("a\n----\n----\nx\n\ny\n----\n----\n\nb\n----\n----\nx\n\ny\n----\n----\n");
    RunResult again = DataDriven.run("f", r.actual(), h);
    assertThat(again.passed()).isTrue();
    assertThat(again.actual()).isEqualTo(r.actual());
  }

  @Test
  void run_emptyOutput_matchesEmptyBlock() {
    RunResult r = DataDriven.run("f", "a\n----\n\nb\n----\n", d -> "");
    assertThat(r.passed()).isTrue();
    assertThat(r.actual()).isEqualTo("a\n----\n\nb\n----\n");
  }

  @Test
  void rewrite_writesActualOutput_onlyWhenItChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.txt");
    Files.writeString(file, "cmd x=1\n----\nwrong\n");
    RunResult r = DataDriven.rewrite(file, ECHO);
    assertThat(r.passed()).isFalse();
    assertThat(Files.readString(file)).isEqualTo("cmd x=1\n----\ncmd x=1\n");
    assertThat(DataDriven.run(file, ECHO).passed()).isTrue();

    long modified = Files.getLastModifiedTime(file).toMillis();
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(modified - 10_000));
    assertThat(DataDriven.rewrite(file, ECHO).passed()).isTrue();
    assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified - 10_000);
  }

  @Test
  void rewrite_leavesFileAloneWhenHandlerFails(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.txt");
    Files.writeString(file, "cmd\n----\nwrong\n");
    DataDriven.rewrite(
        file,
        d -> {
          throw new IllegalStateException("broken");
        });
    assertThat(Files.readString(file)).isEqualTo("cmd\n----\nwrong\n");
  }

  @Test
  void walk_sortsAndSkipsHiddenAndBackupFiles(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    for (String name : List.of("b.txt", "a.txt", ".hidden", "c.txt~", "#d#", "sub/e.txt")) {
      Files.writeString(dir.resolve(name), "");
    }
    assertThat(DataDriven.walk(dir))
        .containsExactly(dir.resolve("a.txt"), dir.resolve("b.txt"), dir.resolve("sub/e.txt"));
    assertThat(DataDriven.walk(dir.resolve("b.txt"))).containsExactly(dir.resolve("b.txt"));
  }

  @Test
  void scanHelpers_convertLikeDatadriven() {
    TestData d =
        DataDriven.parse(
                "f",
                "cmd n=-5 u=18446744073709551615 b=T f=0 s=x ids=(1,2,3) two=(1,2) bad=y\n----\n")
            .get(0);
    assertThat(d.scanLong("n")).isEqualTo(-5L);
    assertThat(d.scanInt("n")).isEqualTo(-5);
    assertThat(d.scanUint64("u")).isEqualTo(-1L);
    assertThat(d.scanBool("b")).isTrue();
    assertThat(d.scanBool("f")).isFalse();
    assertThat(d.scanBool("missing", true)).isTrue();
    assertThat(d.scanString("s")).isEqualTo("x");
    assertThat(d.scanUint64s("ids")).containsExactly(1L, 2L, 3L);
    assertThat(d.scanStrings("two")).containsExactly("1", "2");
    assertThat(d.hasArg("ids")).isTrue();
    assertThat(d.hasArg("nope")).isFalse();

    assertThatThrownBy(() -> d.scanUint64("n")).isInstanceOf(DataDrivenException.class);
    assertThatThrownBy(() -> d.scanBool("bad")).isInstanceOf(DataDrivenException.class);
    assertThatThrownBy(() -> d.scanLong("two"))
        .isInstanceOf(DataDrivenException.class)
        .hasMessage("f:1: two: got 1 destinations, but 2 values");
    assertThatThrownBy(() -> d.scanString("nope"))
        .isInstanceOf(DataDrivenException.class)
        .hasMessage("f:1: missing argument: nope");
    assertThatThrownBy(() -> d.arg("ids").scanString(3)).isInstanceOf(DataDrivenException.class);
  }
}
