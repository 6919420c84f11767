package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests the command dispatch and output rules of {@link InteractionEnv}. */
final class InteractionEnvTest {

  private final InteractionEnv env = new InteractionEnv();

  private String run(String directive) {
    return run(directive, "");
  }

  private String run(String directive, String input) {
    String script = directive + "\n" + (input.isEmpty() ? "" : input + "\n") + "----\n";
    List<TestData> ds = DataDriven.parse("test", script);
    return env.handle(ds.get(0));
  }

  @Test
  void unknownCommand_printsUnknownCommand() {
    assertThat(run("no-such-command")).isEqualTo("unknown command");
  }

  @Test
  void logLevel_unknownName_printsTheValidNames() {
    assertThat(run("log-level verbose"))
        .isEqualTo("log levels must be either of [DEBUG INFO WARN ERROR FATAL NONE]");
  }

  @Test
  void logLevel_isCaseInsensitive_andNoneSilencesOutput() {
    assertThat(run("log-level none")).isEqualTo("ok");
    assertThat(run("add-nodes 2 voters=(1,2) index=5")).isEqualTo("ok");
    assertThat(run("raft-state")).isEqualTo("ok");
    assertThat(run("log-level Info")).isEqualTo("ok");
    assertThat(run("raft-state"))
        .isEqualTo(
            "1: StateFollower (Voter) Term:0 Lead:0\n2: StateFollower (Voter) Term:0 Lead:0\n");
  }

  @Test
  void errorUnderNone_isTheWholeOutput() {
    run("log-level none");
    assertThat(run("add-nodes 1 voters=(1) index=1"))
        .isEqualTo("index must be specified as > 1 due to bootstrap");
  }

  @Test
  void error_isAppendedToTheOutputWithoutSeparator() {
    run("log-level none");
    run("add-nodes 3 voters=(1,2,3) index=10");
    run("log-level info");
    assertThat(run("propose 1 foo"))
        .isEqualTo("INFO 1 no leader at term 0; dropping proposal\nraft proposal dropped");
  }

  @Test
  void addNodes_logsTheNewNodes() {
    assertThat(run("add-nodes 1 voters=(1) index=2"))
        .isEqualTo(
            "INFO 1 switched to configuration voters=(1)\n"
                + "INFO 1 became follower at term 0\n"
                + "INFO newRaft 1 [peers: [1], term: 0, commit: 2, applied: 2, lastindex: 2, lastterm: 1]\n");
  }

  @Test
  void processReady_onSeveralNodes_indentsEachBlock() {
    run("log-level none");
    run("add-nodes 2 voters=(1,2) index=2");
    run("log-level debug");
    assertThat(run("process-ready 1 2"))
        .isEqualTo("> 1 handling Ready\n  <empty Ready>\n> 2 handling Ready\n  <empty Ready>\n");
    assertThat(run("process-ready 1")).isEqualTo("<empty Ready>");
  }

  @Test
  void deliverMsgs_withNothingQueued_saysSo() {
    run("log-level none");
    run("add-nodes 1 voters=(1) index=2");
    run("log-level debug");
    assertThat(run("deliver-msgs 1")).isEqualTo("no messages\n");
  }

  @Test
  void deliverMsgs_deliverAndDropSameNode_failsTheScript() {
    assertThatThrownBy(() -> run("deliver-msgs 2 drop=2"))
        .isInstanceOf(DataDrivenException.class)
        .hasMessageContaining("can't both deliver and drop msgs to 2");
  }

  @Test
  void readIndex_extension_releasesAReadStateOnASingleNode() {
    run("log-level none");
    run("add-nodes 1 voters=(1) index=2");
    run("campaign 1");
    run("stabilize");
    run("log-level debug");
    assertThat(run("read-index 1 ctx")).isEqualTo("ok");
    assertThat(run("process-ready 1")).contains("ReadStates [{3 [99 116 120]}]");
  }

  @Test
  void setRandomizedElectionTimeout_decidesTheTickAFollowerCampaignsAt() {
    run("log-level none");
    run("add-nodes 3 voters=(1,2,3) index=10");
    run("log-level info");
    // The two ends of the randomized range [3, 5], so no draw can pass for both.
    run("set-randomized-election-timeout 2 timeout=5");
    run("set-randomized-election-timeout 3 timeout=3");
    assertThat(run("tick 2 4")).isEqualTo("ok");
    assertThat(run("tick 2")).startsWith("INFO 2 is starting a new election at term 0\n");
    assertThat(run("tick 3 2")).isEqualTo("ok");
    assertThat(run("tick 3")).startsWith("INFO 3 is starting a new election at term 0\n");
  }

  @Test
  void reportUnreachable_withoutTwoNodes_printsEtcdsError() {
    run("log-level none");
    run("add-nodes 2 voters=(1,2) index=2");
    assertThat(run("report-unreachable 1"))
        .isEqualTo(
            "must specify exactly two node indexes: node on which to report, and reported node");
  }
}
