package io.raftj.raft.rafttest;

/**
 * A family of data-driven scripts that share one set of commands, such as etcd's {@code quorum},
 * {@code confchange} and interaction ({@code testdata}) scripts. Implementations are registered
 * with {@link ScriptKinds}.
 */
public interface ScriptKind {

  /** The kind's name, which is also the folder name its scripts live in. */
  String name();

  /** A fresh handler for one script file; state never carries over between files. */
  Handler newHandler();
}
