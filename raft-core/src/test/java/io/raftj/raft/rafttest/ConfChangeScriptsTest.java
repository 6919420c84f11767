package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The {@code confchange} script kind's wiring; its scripts run in {@code OwnScriptsTest} and {@code
 * EtcdConformanceTest}.
 */
final class ConfChangeScriptsTest {

  @Test
  void confchangeKind_isRegistered() {
    ScriptKind kind = ScriptKinds.lookup(ScriptKinds.CONFCHANGE);
    assertThat(kind).isInstanceOf(ConfChangeScripts.class);
    assertThat(kind.name()).isEqualTo("confchange");
    assertThat(ScriptKinds.kindOf(Path.of("src/test/resources/confchange/errors.txt")))
        .isEqualTo("confchange");
  }

  @Test
  void handler_stateIsPerFile() {
    String script = "simple\nv1\n----\nvoters=(1)\n1: StateProbe match=0 next=1\n";
    ScriptKind kind = new ConfChangeScripts();
    DataDriven.run("a.txt", script, kind.newHandler()).assertPassed();
    // A second file starts again from an empty tracker at last index 0.
    DataDriven.run("b.txt", script, kind.newHandler()).assertPassed();
  }

  @Test
  void enterJoint_argumentOtherThanAutoleave_abortsTheFile() {
    String script =
        "simple\nv1\n----\nvoters=(1)\n1: StateProbe match=0 next=1\n\n"
            + "enter-joint auto=true\nv2\n----\nwhatever\n";
    RunResult r = DataDriven.run("c.txt", script, new ConfChangeScripts().newHandler());
    assertThat(r.passed()).isFalse();
    assertThat(r.error()).contains("autoleave");
  }
}
