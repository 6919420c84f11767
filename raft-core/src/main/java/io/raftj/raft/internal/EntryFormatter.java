package io.raftj.raft.internal;

import com.google.protobuf.ByteString;

/**
 * Renders the payload of a normal entry for describe output. Mirrors {@code EntryFormatter} in
 * etcd's {@code util.go}; {@link #DEFAULT} quotes the bytes as Go's {@code %q} does.
 */
@FunctionalInterface
public interface EntryFormatter {

  /** Go's {@code %q} of the payload: {@code ""} for none. */
  EntryFormatter DEFAULT = data -> GoFormat.quote(data.toByteArray());

  /** Returns the text for {@code data}; an empty string prints nothing after the entry type. */
  String format(ByteString data);
}
