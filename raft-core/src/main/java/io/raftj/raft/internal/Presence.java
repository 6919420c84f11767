package io.raftj.raft.internal;

import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.raft.raftpb.SnapshotMetadata;

/**
 * Gives a snapshot the fields etcd guarantees are present. Mirrors {@code EnsureConfState}, {@code
 * EnsureSnapshotMetadata} and {@code EnsureSnapshot} in etcd's {@code raftpb/util.go}.
 *
 * <p>Presence is behaviour: raft.proto is proto2, so an unset field is absent on the wire and in
 * Go's text form ({@code %v}) even when its value is the default. etcd ensures a snapshot's
 * metadata, configuration, index, term and {@code auto_leave} wherever a snapshot enters raft
 * (storage, the snapshot handler, the test harness); raftj ensures them at the same places, so
 * that, for example, a log line printing a {@code ConfState} shows {@code auto_leave:false} exactly
 * when etcd's does. Protobuf messages are immutable here, so each method returns its argument when
 * nothing is missing and a completed copy otherwise.
 */
public final class Presence {

  private Presence() {}

  /** {@code cs} with {@code auto_leave} present (false when it was unset). */
  public static ConfState ensure(ConfState cs) {
    return cs.hasAutoLeave() ? cs : cs.toBuilder().setAutoLeave(false).build();
  }

  /** {@code md} with a configuration (itself ensured), an index and a term present. */
  public static SnapshotMetadata ensure(SnapshotMetadata md) {
    ConfState cs = md.getConfState();
    ConfState ensured = ensure(cs);
    if (md.hasConfState() && ensured == cs && md.hasIndex() && md.hasTerm()) {
      return md;
    }
    return md.toBuilder()
        .setConfState(ensured)
        .setIndex(md.getIndex())
        .setTerm(md.getTerm())
        .build();
  }

  /** {@code s} with its metadata present and ensured. */
  public static Snapshot ensure(Snapshot s) {
    SnapshotMetadata md = s.getMetadata();
    SnapshotMetadata ensured = ensure(md);
    if (s.hasMetadata() && ensured == md) {
      return s;
    }
    return s.toBuilder().setMetadata(ensured).build();
  }
}
