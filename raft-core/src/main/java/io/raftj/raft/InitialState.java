package io.raftj.raft;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.HardState;
import java.util.Objects;

/**
 * The persisted {@link HardState} and {@link ConfState} a {@link Storage} reports on start: the
 * pair etcd's {@code Storage.InitialState} returns in {@code storage.go}.
 *
 * <p>Neither is null: a storage that has persisted no hard state yet returns the default instance
 * (which {@link Util#isEmptyHardState} treats as empty), and one with no configuration returns an
 * empty {@code ConfState}.
 *
 * @param hardState the last persisted term, vote and commit
 * @param confState the configuration as of the last snapshot (or bootstrap)
 */
public record InitialState(HardState hardState, ConfState confState) {

  /** Checks that neither part is null. */
  public InitialState {
    Objects.requireNonNull(hardState, "hardState");
    Objects.requireNonNull(confState, "confState");
  }
}
