package io.raftj.raft;

/** Whether a progress visited by {@code RawNode.withProgress} belongs to a voter or a learner. Mirrors {@code ProgressType} in etcd's {@code rawnode.go}. */
public enum ProgressType {
  PROGRESS_TYPE_PEER,
  PROGRESS_TYPE_LEARNER
}
