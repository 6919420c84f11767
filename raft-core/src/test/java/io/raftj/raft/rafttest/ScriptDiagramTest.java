package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ScriptDiagramTest {

  @TempDir Path dir;

  @Test
  void campaignBecomesVoteArrowsAndANote() throws IOException {
    Path script = dir.resolve("campaign.txt");
    Files.writeString(
        script,
        """
        log-level none
        ----
        ok

        add-nodes 2 voters=(1,2) index=2
        ----
        ok

        log-level info
        ----
        ok

        campaign 1
        ----
        ok

        stabilize
        ----
        ok
        """);
    String diagram = ScriptDiagram.render(script);
    assertThat(diagram)
        .startsWith(
            "sequenceDiagram\n"
                + "    participant n1 as 1\n"
                + "    participant n2 as 2\n"
                + "    Note over n1: campaign 1\n");
    // The vote and its answer are delivered, in that order; the Ready's copies are not drawn.
    assertThat(diagram)
        .containsSubsequence(
            "n1->>n2: MsgVote Term:1 Log:1/2\n",
            "n2->>n1: MsgVoteResp Term:1 Log:0/0\n",
            "n1->>n2: MsgApp Term:1 Log:1/2 Commit:2 Entries:[1/3 EntryNormal \"\"]\n");
    assertThat(diagram.split("MsgVote Term", -1)).hasSize(2);
  }

  @Test
  void droppedMessagesAreCrossedAndReadyMessagesIgnored() {
    List<String> lines = new ArrayList<>();
    Set<String> participants = new TreeSet<>();
    ScriptDiagram.render(
        "deliver-msgs",
        "deliver-msgs drop=(2)",
        "dropped: 1->2 MsgApp Term:1 Log:1/2 Commit:2\n",
        lines,
        participants);
    ScriptDiagram.render(
        "process-ready",
        "process-ready 1",
        "Ready MustSync=false:\nMessages:\n1->3 MsgHeartbeat Term:1 Log:0/0\n",
        lines,
        participants);
    ScriptDiagram.render(
        "stabilize",
        "stabilize",
        "> 1 handling Ready\n  Messages:\n  1->2 MsgApp Term:1 Log:1/2 Commit:2\n"
            + "> 2 receiving messages\n  1->2 MsgApp Term:1 Log:1/2 Commit:2\n  INFO a; b\n",
        lines,
        participants);
    assertThat(lines)
        .containsExactly(
            "n1-xn2: MsgApp Term:1 Log:1/2 Commit:2 (dropped)",
            "n1->>n2: MsgApp Term:1 Log:1/2 Commit:2");
    assertThat(participants).containsExactly("1", "2");
  }

  @Test
  void runnerPrintsTheDiagramAndFailsOnABrokenScript() throws IOException {
    Path good = dir.resolve("good.txt");
    Files.writeString(good, "add-nodes 1 voters=(1) index=2\n----\nok\n");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc =
        ScriptRunner.run(
            new String[] {"--diagram", good.toString()},
            new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(rc).isZero();
    assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("sequenceDiagram\n");

    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "add-nodes abc\n----\nok\n");
    buf.reset();
    rc =
        ScriptRunner.run(
            new String[] {"--diagram", bad.toString()},
            new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertThat(rc).isEqualTo(1);
    assertThat(buf.toString(StandardCharsets.UTF_8)).startsWith("cannot draw ");
  }
}
