package io.raftj.wal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;

/**
 * Parses the {@code raftpb.Entry} in an entry record, optionally without copying its data: the
 * entry's {@code Data} is then a view of the bytes read from the segment, and the caller guarantees
 * those bytes are never overwritten (a decoder whose read chunks are never reused). Fields are set
 * exactly when they are on the wire, so the result equals what {@link Entry#parseFrom(byte[])}
 * returns; any layout the fast path does not expect (unknown fields, an unknown entry type, a
 * malformed varint) is parsed by protobuf itself.
 */
final class EntryReader {
  private static final int TYPE = 1 << 3;
  private static final int TERM = 2 << 3;
  private static final int INDEX = 3 << 3;
  private static final int DATA = (4 << 3) | 2;

  private final WireCursor cur = new WireCursor();

  /** Whether data is a view of the caller's bytes; otherwise it is copied. */
  private final boolean alias;

  EntryReader(boolean alias) {
    this.alias = alias;
  }

  Entry parse(byte[] b, int off, int len) throws InvalidProtocolBufferException {
    cur.reset(b, off, len);
    Entry.Builder e = Entry.newBuilder();
    while (cur.more()) {
      int tag = cur.tag();
      if (tag == TERM) {
        e.setTerm(cur.varint());
      } else if (tag == INDEX) {
        e.setIndex(cur.varint());
      } else if (tag == DATA) {
        int n = cur.lengthDelimited();
        if (!cur.bad) {
          int at = cur.position() - n;
          e.setData(
              alias ? UnsafeByteOperations.unsafeWrap(b, at, n) : ByteString.copyFrom(b, at, n));
        }
      } else if (tag == TYPE) {
        EntryType t = EntryType.forNumber((int) cur.varint());
        if (t == null) {
          cur.bad = true;
        } else {
          e.setType(t);
        }
      } else {
        cur.bad = true;
      }
    }
    return cur.bad ? parseSlowly(b, off, len) : e.build();
  }

  private Entry parseSlowly(byte[] b, int off, int len) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(b, off, len);
    in.enableAliasing(alias);
    try {
      return Entry.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) { // not thrown over an array, but declared
      throw new InvalidProtocolBufferException(e);
    }
  }
}
