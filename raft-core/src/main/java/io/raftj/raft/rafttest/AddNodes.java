package io.raftj.raft.rafttest;

import com.google.protobuf.ByteString;
import io.raftj.raft.Config;
import io.raftj.raft.RaftConstants;
import io.raftj.raft.RawNode;
import io.raftj.raft.ReadOnlyOption;
import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.internal.Presence;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The {@code add-nodes} command: creates nodes with consecutive IDs from a config template and a
 * bootstrap snapshot. Mirrors etcd's {@code rafttest/interaction_env_handler_add_nodes.go}.
 *
 * <pre>
 * add-nodes &lt;n&gt; [voters=(ids)] [learners=(ids)] [index=&lt;u64&gt;] [content=&lt;s&gt;]
 *   [inflight=&lt;int&gt;] [async-storage-writes=&lt;bool&gt;] [prevote=&lt;bool&gt;]
 *   [checkquorum=&lt;bool&gt;] [max-committed-size-per-ready=&lt;u64&gt;]
 *   [disable-conf-change-validation=&lt;bool&gt;] [read-only=safe|lease-based]
 *   [step-down-on-removal=&lt;bool&gt;]
 * </pre>
 *
 * Extensions: {@code content} is taken as text; {@code disable-proposal-forwarding=<bool>}, {@code
 * max-uncommitted-size=<u64>}, {@code max-inflight-bytes=<u64>}, {@code max-size-per-msg=<u64>},
 * {@code election-tick=<int>}, {@code heartbeat-tick=<int>}. Unknown options are ignored, as in
 * etcd.
 */
final class AddNodes {

  private AddNodes() {}

  static void handle(InteractionEnv env, TestData d) {
    int n = InteractionEnv.firstAsInt(d);
    List<Long> voters = new ArrayList<>();
    List<Long> learners = new ArrayList<>();
    long index = 0;
    ByteString content = ByteString.EMPTY;
    List<Consumer<Config>> settings = new ArrayList<>();
    List<CmdArg> args = d.cmdArgs();
    for (CmdArg arg : args.subList(1, args.size())) {
      for (int i = 0; i < arg.vals().size(); i++) {
        String v = arg.vals().get(i);
        switch (arg.key()) {
          case "voters" -> voters.add(arg.scanUint64(i));
          case "learners" -> learners.add(arg.scanUint64(i));
          case "inflight" -> {
            int x = arg.scanInt(i);
            settings.add(c -> c.setMaxInflightMsgs(x));
          }
          case "index" -> {
            long x = arg.scanUint64(i);
            index = x;
            settings.add(c -> c.setApplied(x));
          }
          case "content" -> content = ByteString.copyFromUtf8(v);
          case "async-storage-writes" -> {
            boolean b = arg.scanBool(i);
            settings.add(c -> c.setAsyncStorageWrites(b));
          }
          case "prevote" -> {
            boolean b = arg.scanBool(i);
            settings.add(c -> c.setPreVote(b));
          }
          case "checkquorum" -> {
            boolean b = arg.scanBool(i);
            settings.add(c -> c.setCheckQuorum(b));
          }
          case "max-committed-size-per-ready" -> {
            long x = arg.scanUint64(i);
            settings.add(c -> c.setMaxCommittedSizePerReady(x));
          }
          case "disable-conf-change-validation" -> {
            boolean b = arg.scanBool(i);
            settings.add(c -> c.setDisableConfChangeValidation(b));
          }
          case "read-only" -> {
            ReadOnlyOption o =
                switch (v) {
                  case "safe" -> ReadOnlyOption.READ_ONLY_SAFE;
                  case "lease-based" -> ReadOnlyOption.READ_ONLY_LEASE_BASED;
                  default ->
                      throw new InteractionException(
                          GoFormat.format("invalid read-only option %q", v));
                };
            settings.add(c -> c.setReadOnlyOption(o));
          }
          case "step-down-on-removal" -> {
            boolean b = arg.scanBool(i);
            settings.add(c -> c.setStepDownOnRemoval(b));
          }
          // Extensions.
          case "disable-proposal-forwarding" -> {
            boolean b = arg.scanBool(i);
            settings.add(c -> c.setDisableProposalForwarding(b));
          }
          case "max-uncommitted-size" -> {
            long x = arg.scanUint64(i);
            settings.add(c -> c.setMaxUncommittedEntriesSize(x));
          }
          case "max-inflight-bytes" -> {
            long x = arg.scanUint64(i);
            settings.add(c -> c.setMaxInflightBytes(x));
          }
          case "max-size-per-msg" -> {
            long x = arg.scanUint64(i);
            settings.add(c -> c.setMaxSizePerMsg(x));
          }
          case "election-tick" -> {
            int x = arg.scanInt(i);
            settings.add(c -> c.setElectionTick(x));
          }
          case "heartbeat-tick" -> {
            int x = arg.scanInt(i);
            settings.add(c -> c.setHeartbeatTick(x));
          }
          default -> {}
        }
      }
    }
    Snapshot.Builder snap =
        Snapshot.newBuilder()
            .setMetadata(
                SnapshotMetadata.newBuilder()
                    .setConfState(
                        ConfState.newBuilder().addAllVoters(voters).addAllLearners(learners))
                    .setIndex(index)
                    .setTerm(0));
    if (!content.isEmpty()) {
      snap.setData(content);
    }
    addNodes(env, n, c -> settings.forEach(s -> s.accept(c)), snap.build());
  }

  /** The harness defaults: small tick counts and no size or inflight limits. */
  static Config configStub() {
    return new Config()
        .setElectionTick(3)
        .setHeartbeatTick(1)
        .setMaxSizePerMsg(RaftConstants.NO_LIMIT)
        .setMaxInflightMsgs(Integer.MAX_VALUE);
  }

  /** A fixed jitter source per node, so that a script replays identically. */
  static SplittableRandom randomFor(long id) {
    return new SplittableRandom(id);
  }

  /**
   * Adds {@code n} nodes with the next free IDs, each configured by the stub, then {@code
   * configure}, then the env's {@code onConfig} hook, and bootstrapped from {@code snap} unless it
   * is empty.
   */
  static void addNodes(InteractionEnv env, int n, Consumer<Config> configure, Snapshot snap) {
    snap = Presence.ensure(snap);
    ConfState cs = snap.getMetadata().getConfState();
    boolean bootstrap =
        snap.getMetadata().getIndex() != 0
            || cs.getVotersCount() > 0
            || cs.getLearnersCount() > 0
            || !snap.getData().isEmpty();
    if (bootstrap) {
      if (snap.getMetadata().getIndex() <= 1) {
        throw new InteractionException("index must be specified as > 1 due to bootstrap");
      }
      snap = snap.toBuilder().setMetadata(snap.getMetadata().toBuilder().setTerm(1)).build();
    }
    for (int i = 0; i < n; i++) {
      int idx = env.nodes.size();
      long id = idx + 1;
      InteractionStorage storage = new InteractionStorage(() -> env.nodes.get(idx).lastSnapshot());
      if (bootstrap) {
        storage.memory().applySnapshot(snap);
        long fi = storage.firstIndex();
        long exp = snap.getMetadata().getIndex() + 1;
        if (fi != exp) {
          throw new InteractionException(
              GoFormat.format("failed to establish first index %d; got %d", exp, fi));
        }
      }
      Config cfg = configStub().setRandom(randomFor(id));
      configure.accept(cfg);
      cfg.setId(id).setStorage(storage);
      if (env.options.onConfig() != null) {
        env.options.onConfig().accept(cfg);
        if (cfg.id() != id) {
          throw new InteractionException("OnConfig must not change the ID");
        }
      }
      cfg.setLogger(env.output);
      RawNode rn = new RawNode(cfg);
      env.nodes.add(new InteractionNode(rn, storage, cfg, snap));
    }
  }
}
