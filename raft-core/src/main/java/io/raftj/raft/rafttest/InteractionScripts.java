package io.raftj.raft.rafttest;

/**
 * The {@code interaction} script kind: etcd's interaction scripts (its root {@code testdata}
 * folder) and ours, each file run by a fresh {@link InteractionEnv}. Mirrors {@code
 * TestInteraction} in etcd's {@code interaction_test.go}.
 */
public final class InteractionScripts implements ScriptKind {

  /** Creates the kind; registered with {@link ScriptKinds} as {@code interaction}. */
  public InteractionScripts() {}

  @Override
  public String name() {
    return ScriptKinds.INTERACTION;
  }

  @Override
  public Handler newHandler() {
    return new InteractionEnv()::handle;
  }
}
