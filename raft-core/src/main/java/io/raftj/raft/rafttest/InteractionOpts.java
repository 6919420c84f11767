package io.raftj.raft.rafttest;

import io.raftj.raft.Config;
import io.raftj.raft.RawNode;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * Options for an {@link InteractionEnv}. Mirrors {@code InteractionOpts} in etcd's {@code
 * rafttest/interaction_env.go}.
 *
 * @param onConfig called on each new node's {@link Config} before the node is created; it must not
 *     change the ID or set the logger. May be null.
 * @param setRandomizedElectionTimeout pins a node's randomized election timeout (the {@code
 *     set-randomized-election-timeout} command). May be null, in which case the command fails.
 */
public record InteractionOpts(
    Consumer<Config> onConfig, ObjIntConsumer<RawNode> setRandomizedElectionTimeout) {

  /** Options with no config hook and the core's election-timeout override. */
  public static InteractionOpts defaults() {
    return new InteractionOpts(null, RawNode::setRandomizedElectionTimeout);
  }
}
