package io.raftj.raft.raftpb;

import com.google.protobuf.ByteString;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A configuration change of either version, {@link ConfChange} (V1) or {@link ConfChangeV2}.
 * Mirrors the {@code ConfChangeI} interface and {@code MarshalConfChange} in etcd's {@code
 * raftpb/confchange.go}.
 *
 * <p>Instances are immutable records around immutable protobuf messages.
 */
public sealed interface ConfChangeI permits ConfChangeI.V1, ConfChangeI.V2 {

  /** Wraps a V1 conf change. */
  static ConfChangeI of(ConfChange cc) {
    return new V1(cc);
  }

  /** Wraps a V2 conf change. */
  static ConfChangeI of(ConfChangeV2 cc) {
    return new V2(cc);
  }

  /** The change as a {@link ConfChangeV2}; a V1 change is converted as etcd's {@code AsV2} does. */
  ConfChangeV2 asV2();

  /** The {@link ConfChange} of a V1 change, or null for a V2 change (Go: {@code AsV1}'s bool). */
  @Nullable ConfChange asV1OrNull();

  /**
   * The entry type that carries this change: {@code EntryConfChange} or {@code EntryConfChangeV2}.
   */
  EntryType entryType();

  /**
   * The entry data for this change (etcd's {@code MarshalConfChange}). The result is meant to be
   * set as the entry's {@code Data} even when it is empty, as etcd does; only etcd's {@code
   * MarshalConfChange(nil)} (the automatic leave-joint proposal) leaves {@code Data} unset.
   */
  ByteString marshal();

  /** A V1 conf change ({@code EntryConfChange}). */
  record V1(ConfChange cc) implements ConfChangeI {

    /**
     * @throws NullPointerException if {@code cc} is null
     */
    public V1 {
      Objects.requireNonNull(cc, "cc");
    }

    /** Converts to a V2 change with a single change and the same context; no transition is set. */
    @Override
    public ConfChangeV2 asV2() {
      ConfChangeV2.Builder b =
          ConfChangeV2.newBuilder()
              .addChanges(
                  ConfChangeSingle.newBuilder().setType(cc.getType()).setNodeId(cc.getNodeId()));
      if (cc.hasContext()) {
        b.setContext(cc.getContext());
      }
      return b.build();
    }

    @Override
    public ConfChange asV1OrNull() {
      return cc;
    }

    @Override
    public EntryType entryType() {
      return EntryType.EntryConfChange;
    }

    @Override
    public ByteString marshal() {
      return cc.toByteString();
    }
  }

  /** A V2 conf change ({@code EntryConfChangeV2}). */
  record V2(ConfChangeV2 cc) implements ConfChangeI {

    /**
     * @throws NullPointerException if {@code cc} is null
     */
    public V2 {
      Objects.requireNonNull(cc, "cc");
    }

    @Override
    public ConfChangeV2 asV2() {
      return cc;
    }

    @Override
    public @Nullable ConfChange asV1OrNull() {
      return null;
    }

    @Override
    public EntryType entryType() {
      return EntryType.EntryConfChangeV2;
    }

    @Override
    public ByteString marshal() {
      return cc.toByteString();
    }
  }
}
