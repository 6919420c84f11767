package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Config.validate: etcd's checks, in etcd's order, with etcd's texts, and its defaults. */
final class ConfigTest {

  private static Config valid() {
    return new Config()
        .setId(1)
        .setElectionTick(10)
        .setHeartbeatTick(1)
        .setStorage(new MemoryStorage(RaftLogger.discard()))
        .setMaxInflightMsgs(256);
  }

  record Invalid(String name, Consumer<Config> change, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Invalid> invalidCases() {
    return List.of(
        new Invalid("none id", c -> c.setId(RaftConstants.NONE), "cannot use none as id"),
        new Invalid(
            "append thread id",
            c -> c.setId(RaftConstants.LOCAL_APPEND_THREAD),
            "cannot use local target as id"),
        new Invalid(
            "apply thread id",
            c -> c.setId(RaftConstants.LOCAL_APPLY_THREAD),
            "cannot use local target as id"),
        new Invalid(
            "zero heartbeat", c -> c.setHeartbeatTick(0), "heartbeat tick must be greater than 0"),
        new Invalid(
            "election <= heartbeat",
            c -> c.setElectionTick(1),
            "election tick must be greater than heartbeat tick"),
        new Invalid("no storage", c -> c.setStorage(null), "storage cannot be nil"),
        new Invalid(
            "no inflight",
            c -> c.setMaxInflightMsgs(0),
            "max inflight messages must be greater than 0"),
        new Invalid(
            "inflight bytes below message size",
            c -> c.setMaxSizePerMsg(1024).setMaxInflightBytes(1023),
            "max inflight bytes must be >= max message size"),
        new Invalid(
            "lease reads without check quorum",
            c -> c.setReadOnlyOption(ReadOnlyOption.READ_ONLY_LEASE_BASED),
            "CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased"));
  }

  @ParameterizedTest
  @MethodSource("invalidCases")
  void validate_rejectsWithEtcdText(Invalid tt) {
    Config c = valid();
    tt.change().accept(c);
    assertThatThrownBy(c::validate)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(tt.message());
  }

  @Test
  void validate_fillsDefaults() {
    Config c = valid().setMaxSizePerMsg(4096);
    c.validate();
    assertThat(c.maxUncommittedEntriesSize()).isEqualTo(RaftConstants.NO_LIMIT);
    assertThat(c.maxCommittedSizePerReady()).isEqualTo(4096);
    assertThat(c.maxInflightBytes()).isEqualTo(RaftConstants.NO_LIMIT);
    assertThat(c.logger()).isSameAs(RaftLogger.defaultLogger());
  }

  /** etcd's server values (server/etcdserver/bootstrap.go raftConfig, raft.go constants). */
  @Test
  void defaults_areEtcdServersChoicesAndValidate() {
    Config c = Config.defaults(7).setStorage(new MemoryStorage(RaftLogger.discard()));
    c.validate();
    assertThat(c.id()).isEqualTo(7);
    assertThat(c.electionTick()).isEqualTo(10);
    assertThat(c.heartbeatTick()).isEqualTo(1);
    assertThat(c.maxSizePerMsg()).isEqualTo(1 << 20);
    assertThat(c.maxCommittedSizePerReady()).isEqualTo(1 << 20);
    assertThat(c.maxInflightMsgs()).isEqualTo(512);
    assertThat(c.checkQuorum()).isTrue();
    assertThat(c.preVote()).isTrue();
    assertThat(c.readOnlyOption()).isEqualTo(ReadOnlyOption.READ_ONLY_SAFE);
    assertThat(c.asyncStorageWrites()).isFalse();
    assertThat(c.disableProposalForwarding()).isFalse();
  }

  /** isLeader and leaderId answer without going through Status and SoftState. */
  @Test
  void rawNode_reportsLeadershipDirectly() {
    MemoryStorage s = RaftTestUtil.newTestMemoryStorage(RaftTestUtil.withPeers(1));
    RawNode rn = new RawNode(Config.defaults(1).setStorage(s).setLogger(RaftLogger.discard()));
    assertThat(rn.isLeader()).isFalse();
    assertThat(rn.leaderId()).isEqualTo(RaftConstants.NONE);
    rn.campaign();
    while (rn.hasReady()) { // the self-votes arrive once the Ready is persisted
      Ready rd = rn.ready();
      s.append(rd.entries());
      rn.advance(rd);
    }
    assertThat(rn.isLeader()).isTrue();
    assertThat(rn.leaderId()).isEqualTo(1);
    assertThat(rn.status().isLeader()).isTrue();
    assertThat(rn.basicStatus().isLeader()).isTrue();
  }

  @Test
  void rawNode_refusesInvalidConfig() {
    assertThatThrownBy(() -> new RawNode(valid().setId(0))).hasMessage("cannot use none as id");
  }

  /** The trace hook sees the node's role changes in order. */
  @Test
  void traceLogger_recordsRoleChanges() {
    List<String> events = new java.util.ArrayList<>();
    MemoryStorage s = RaftTestUtil.newTestMemoryStorage(RaftTestUtil.withPeers(1));
    RawNode rn =
        new RawNode(
            RaftTestUtil.newTestConfig(1, 10, 1, s).setTraceLogger(e -> events.add(e.name())));
    rn.campaign();
    Ready rd = rn.ready();
    s.append(rd.entries());
    rn.advance(rd);
    assertThat(events).startsWith("InitState");
    assertThat(events)
        .containsSubsequence(
            "BecomeFollower", "BecomeCandidate", "Ready", "BecomeLeader", "Replicate");
  }

  /** A seeded random source makes the election timeout reproducible. */
  @Test
  void random_seedsTheElectionTimeout() {
    int[] timeouts = new int[2];
    for (int k = 0; k < 2; k++) {
      Raft r =
          new Raft(
              RaftTestUtil.newTestConfig(
                      1, 10, 1, RaftTestUtil.newTestMemoryStorage(RaftTestUtil.withPeers(1, 2)))
                  .setRandom(new java.util.Random(99)));
      timeouts[k] = r.randomizedElectionTimeout;
      assertThat(r.randomizedElectionTimeout).isBetween(10, 19);
    }
    assertThat(timeouts[0]).isEqualTo(timeouts[1]);
  }
}
