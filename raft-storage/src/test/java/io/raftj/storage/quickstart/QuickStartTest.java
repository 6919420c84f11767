package io.raftj.storage.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's quick start as a user would, and checks what it prints. */
final class QuickStartTest {
  @TempDir Path tmp;

  @Test
  void quickStart_electsProposesAppliesAndRecoversAfterRestart() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[] {tmp.toString()});
    } finally {
      System.setOut(saved);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "leader 1, applied [x=1]",
            "leader 1, applied [x=1]",
            "leader 1, applied [x=1]",
            // after the restart, each member replays x=1 from its log, then applies x=2
            "leader 1, applied [x=1, x=2]",
            "leader 1, applied [x=1, x=2]",
            "leader 1, applied [x=1, x=2]");
  }
}
