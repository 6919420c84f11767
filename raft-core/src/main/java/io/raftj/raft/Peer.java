package io.raftj.raft;

import com.google.protobuf.ByteString;

/**
 * A member of a new cluster, passed to {@code RawNode.bootstrap} or {@code Node.start}. Mirrors
 * {@code Peer} in etcd's {@code node.go}.
 *
 * @param id the member's ID (unsigned)
 * @param context opaque bytes carried in the member's ConfChange entry; empty for none
 */
public record Peer(long id, ByteString context) {

  /** A peer without context. */
  public static Peer of(long id) {
    return new Peer(id, ByteString.EMPTY);
  }
}
