package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ScriptRunnerTest {

  private static final String GOOD = "vote cfg=(1) votes=(y)\n----\nVoteWon\n";
  private static final String BAD = "vote cfg=(1) votes=(n)\n----\nVoteWon\n";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void run_reportsEachFile_thenTotals(@TempDir Path dir) throws Exception {
    Path quorum = Files.createDirectories(dir.resolve("quorum"));
    Files.writeString(quorum.resolve("a.txt"), GOOD);
    Files.writeString(quorum.resolve("b.txt"), BAD);

    int status = ScriptRunner.run(new String[] {quorum.toString()}, out);

    assertThat(status).isEqualTo(1);
    assertThat(output())
        .isEqualTo(
            "PASS "
                + quorum.resolve("a.txt")
                + "\n"
                + "FAIL "
                + quorum.resolve("b.txt")
                + "\n"
                + "--- "
                + quorum.resolve("b.txt")
                + " (expected)\n"
                + "+++ "
                + quorum.resolve("b.txt")
                + " (actual)\n"
                + "@@ -1,3 +1,3 @@\n vote cfg=(1) votes=(n)\n ----\n-VoteWon\n+VoteLost\n"
                + "1 passed, 1 failed\n");
  }

  @Test
  void run_allPassing_exitsZero_andKindCanBeForced(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("elsewhere.txt");
    Files.writeString(file, GOOD);
    assertThat(ScriptRunner.run(new String[] {"--kind", "quorum", file.toString()}, out)).isZero();
    assertThat(output()).isEqualTo("PASS " + file + "\n1 passed, 0 failed\n");
  }

  @Test
  void run_unknownOrUnregisteredKind_failsWithOneLineReason(@TempDir Path dir) throws Exception {
    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, GOOD);
    assertThat(ScriptRunner.run(new String[] {plain.toString()}, out)).isEqualTo(1);
    assertThat(ScriptRunner.run(new String[] {"--kind=nonesuch", plain.toString()}, out))
        .isEqualTo(1);
    assertThat(output())
        .isEqualTo(
            "FAIL "
                + plain
                + "\n"
                + "  cannot tell the script kind from the folder names; use --kind\n"
                + "0 passed, 1 failed\n"
                + "FAIL "
                + plain
                + "\n"
                + "  no handler registered for script kind \"nonesuch\"\n"
                + "0 passed, 1 failed\n");
  }

  @Test
  void run_rewrite_writesActualOutput(@TempDir Path dir) throws Exception {
    Path quorum = Files.createDirectories(dir.resolve("quorum"));
    Path file = quorum.resolve("b.txt");
    Files.writeString(file, BAD);
    assertThat(ScriptRunner.run(new String[] {"--rewrite", quorum.toString()}, out)).isZero();
    assertThat(Files.readString(file)).isEqualTo("vote cfg=(1) votes=(n)\n----\nVoteLost\n");
    assertThat(output()).isEqualTo("REWROTE " + file + "\n1 passed, 0 failed\n");
  }

  @Test
  void run_badUsage_exitsTwo() {
    assertThat(ScriptRunner.run(new String[] {}, out)).isEqualTo(2);
    assertThat(ScriptRunner.run(new String[] {"--frobnicate", "x"}, out)).isEqualTo(2);
  }

  /** A node ID the environment does not have is named, not an index out of bounds. */
  @Test
  void run_unknownNode_saysWhichNodesThereAre(@TempDir Path dir) throws Exception {
    Path interaction = Files.createDirectories(dir.resolve("interaction"));
    Path empty = interaction.resolve("empty.txt");
    Files.writeString(empty, "campaign 7\n----\nok\n");
    Path two = interaction.resolve("two.txt");
    Files.writeString(two, "add-nodes 2\n----\nok\n\nstabilize 1 3\n----\nok\n");
    assertThat(ScriptRunner.run(new String[] {empty.toString(), two.toString()}, out)).isEqualTo(1);
    assertThat(output())
        .contains(
            "  "
                + empty
                + ":1: campaign 7: no node 7: there are no nodes yet (add them with add-nodes)\n",
            ":5: stabilize 1 3: no node 3: there are 2 nodes (IDs 1 to 2)\n");
    assertThat(output()).doesNotContain("out of bounds");
  }

  /** --diagram draws interaction scripts only, and says so for the others. */
  @Test
  void diagram_refusesOtherKinds(@TempDir Path dir) throws Exception {
    Path quorum = Files.createDirectories(dir.resolve("quorum")).resolve("q.txt");
    Files.writeString(quorum, GOOD);
    assertThat(ScriptRunner.run(new String[] {"--diagram", quorum.toString()}, out)).isEqualTo(2);
    assertThat(output())
        .isEqualTo(
            "cannot draw "
                + quorum
                + ": a quorum script; --diagram draws interaction scripts only\n");
    bytes.reset();
    Path unplaced = dir.resolve("q.txt");
    Files.writeString(unplaced, GOOD);
    assertThat(ScriptRunner.run(new String[] {"--diagram", unplaced.toString()}, out)).isEqualTo(1);
    assertThat(output())
        .isEqualTo(
            "cannot draw "
                + unplaced
                + ": "
                + unplaced
                + ":1: vote cfg=1 votes=y: not an interaction command; --diagram draws interaction scripts only\n");
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
