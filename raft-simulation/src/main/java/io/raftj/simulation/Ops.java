package io.raftj.simulation;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The encoding of client writes in entries and of the state machine in snapshots. */
public final class Ops {
  private static final byte WRITE = 'w';

  private Ops() {}

  /** A write's entry data: a tag byte and the op ID. */
  public static ByteString writeData(long opId) {
    ByteBuffer b = ByteBuffer.allocate(9);
    b.put(WRITE).putLong(opId).flip();
    return ByteString.copyFrom(b);
  }

  /** The op ID a normal entry's data carries, or 0 if it is not a client write. */
  public static long opOf(ByteString data) {
    if (data.size() != 9 || data.byteAt(0) != WRITE) {
      return 0;
    }
    return longAt(data, 1);
  }

  /**
   * Big-endian, byte by byte: a ByteString's buffer view may be offset or in another byte order.
   */
  private static long longAt(ByteString data, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data.byteAt(at + i) & 0xff);
    }
    return v;
  }

  /** A read's context: the op ID. */
  public static ByteString readContext(long opId) {
    ByteBuffer b = ByteBuffer.allocate(8);
    b.putLong(opId).flip();
    return ByteString.copyFrom(b);
  }

  /** The op ID of a read context. */
  public static long readOp(ByteString ctx) {
    return longAt(ctx, 0);
  }

  /** The state machine's snapshot: the applied writes' op IDs in log order. */
  public static ByteString encodeWrites(List<Long> writes) {
    ByteBuffer b = ByteBuffer.allocate(8 * writes.size());
    for (int i = 0; i < writes.size(); i++) {
      b.putLong(writes.get(i));
    }
    b.flip();
    return ByteString.copyFrom(b);
  }

  /** The inverse of {@link #encodeWrites}. */
  public static List<Long> decodeWrites(ByteString data) {
    List<Long> out = new ArrayList<>(data.size() / 8);
    for (int at = 0; at + 8 <= data.size(); at += 8) {
      out.add(longAt(data, at));
    }
    return out;
  }
}
