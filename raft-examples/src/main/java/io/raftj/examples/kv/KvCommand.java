package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One command as it travels in a Raft entry: a put or a delete of one key (keys and values are
 * bytes), or a change to the replicated member table (a member's peer and client URLs). The
 * proposer learns its outcome from raft-server's future, so no request id travels with it.
 *
 * @param op {@link #PUT}, {@link #DELETE}, {@link #MEMBER} or {@link #FORGET}
 * @param key the key (empty for member commands)
 * @param value the value (empty for a delete and member commands)
 * @param memberId the member (member commands only)
 * @param peerUrl the member's peer URL ({@link #MEMBER} only; empty: unchanged)
 * @param clientUrl the member's client URL ({@link #MEMBER} only; empty: unchanged)
 */
record KvCommand(
    byte op, ByteString key, ByteString value, long memberId, String peerUrl, String clientUrl) {

  static final byte PUT = 1;
  static final byte DELETE = 2;
  static final byte MEMBER = 3;
  static final byte FORGET = 4;

  static KvCommand put(ByteString key, ByteString value) {
    return new KvCommand(PUT, key, value, 0, "", "");
  }

  static KvCommand delete(ByteString key) {
    return new KvCommand(DELETE, key, ByteString.EMPTY, 0, "", "");
  }

  static KvCommand member(long id, String peerUrl, String clientUrl) {
    return new KvCommand(MEMBER, ByteString.EMPTY, ByteString.EMPTY, id, peerUrl, clientUrl);
  }

  static KvCommand forget(long id) {
    return new KvCommand(FORGET, ByteString.EMPTY, ByteString.EMPTY, id, "", "");
  }

  /** The entry payload: the op, then key and value (length-prefixed) or the member fields. */
  ByteString encode() {
    if (op == PUT || op == DELETE) {
      // the hot path: one array, written in place and wrapped without a copy
      byte[] b = new byte[9 + key.size() + value.size()];
      b[0] = op;
      putInt(b, 1, key.size());
      key.copyTo(b, 5);
      putInt(b, 5 + key.size(), value.size());
      value.copyTo(b, 9 + key.size());
      return UnsafeByteOperations.unsafeWrap(b);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + key.size() + value.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(op);
      if (op == PUT || op == DELETE) {
        out.writeInt(key.size());
        key.writeTo(out);
        out.writeInt(value.size());
        value.writeTo(out);
      } else {
        out.writeLong(memberId);
        out.writeUTF(peerUrl);
        out.writeUTF(clientUrl);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }

  /**
   * Decodes an entry payload written by {@link #encode()}.
   *
   * @throws IllegalArgumentException if the payload is not a command
   */
  static KvCommand decode(ByteString data) {
    byte first = data.isEmpty() ? 0 : data.byteAt(0);
    if (first == PUT || first == DELETE) {
      // keys and values share the entry's bytes, no copies (an entry replayed from the WAL at
      // start may be a view of a read chunk: such chunks stay referenced until the key is
      // overwritten or deleted, at most the WAL tail replayed)
      int keyLen = getInt(data, 1);
      int valueAt = 5 + keyLen + 4;
      int valueLen = keyLen < 0 || valueAt > data.size() ? -1 : getInt(data, valueAt - 4);
      if (valueLen < 0 || valueLen != data.size() - valueAt) {
        throw new IllegalArgumentException("malformed kv command: lengths out of range");
      }
      return new KvCommand(
          first,
          data.substring(5, 5 + keyLen),
          data.substring(valueAt, valueAt + valueLen),
          0,
          "",
          "");
    }
    try (DataInputStream in = new DataInputStream(data.newInput())) {
      byte op = in.readByte();
      switch (op) {
        case PUT, DELETE -> {
          ByteString key = readBytes(in);
          ByteString value = readBytes(in);
          return new KvCommand(op, key, value, 0, "", "");
        }
        case MEMBER, FORGET -> {
          long id = in.readLong();
          return new KvCommand(
              op, ByteString.EMPTY, ByteString.EMPTY, id, in.readUTF(), in.readUTF());
        }
        default -> throw new IllegalArgumentException("unknown kv command op " + op);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed kv command: " + e.getMessage(), e);
    }
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** The big-endian int at {@code at}, or -1 if {@code data} ends before it. */
  private static int getInt(ByteString data, int at) {
    if (at < 0 || at + 4 > data.size()) {
      return -1;
    }
    return (data.byteAt(at) & 0xff) << 24
        | (data.byteAt(at + 1) & 0xff) << 16
        | (data.byteAt(at + 2) & 0xff) << 8
        | (data.byteAt(at + 3) & 0xff);
  }

  private static ByteString readBytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IOException("length " + len + " out of range");
    }
    return UnsafeByteOperations.unsafeWrap(in.readNBytes(len));
  }
}
