package io.raftj.wal;

/**
 * A cursor over protobuf wire bytes for the fixed layouts replay meets millions of times: {@code
 * walpb.Record} and {@code raftpb.Entry} as etcd and raftj write them. It never throws: anything it
 * does not expect (a multi-byte tag, a ten-byte or malformed varint, a length past the end) sets
 * {@link #bad}, and the caller parses the bytes again with protobuf's own parser, which gives the
 * canonical result or error. Not thread-safe; reused without allocation.
 */
final class WireCursor {
  private byte[] buf;
  private int pos;
  private int end;

  /** Set once the bytes left the expected layout; the caller must fall back. */
  boolean bad;

  void reset(byte[] b, int off, int len) {
    buf = b;
    pos = off;
    end = off + len;
    bad = false;
  }

  boolean more() {
    return pos < end && !bad;
  }

  int position() {
    return pos;
  }

  /** The next tag if it fits one byte (field numbers 1 to 15), else -1 with {@link #bad} set. */
  int tag() {
    int t = buf[pos];
    if (t <= 0) { // multi-byte tag, or the invalid tag zero
      bad = true;
      return -1;
    }
    pos++;
    return t;
  }

  /**
   * A varint of up to nine bytes (values below 2^63). Ten-byte varints are left to protobuf's
   * reader, whose result for padded, non-canonical ones is not plain arithmetic.
   */
  long varint() {
    long result = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos >= end) {
        bad = true;
        return 0;
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    bad = true;
    return 0;
  }

  /** A length prefix followed by that many bytes, which are skipped; returns the length. */
  int lengthDelimited() {
    long n = varint();
    if (bad || n < 0 || n > end - pos) {
      bad = true;
      return 0;
    }
    pos += (int) n;
    return (int) n;
  }
}
