package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One write to the key-value store as it travels in a Raft entry: a put or a delete of one key,
 * tagged with the proposing node's request id so that node can answer its client once the entry
 * is applied. etcd's raftexample gob-encodes a bare {@code kv} and so cannot tell its own
 * proposals from others'; the id fixes that.
 *
 * @param op {@link #PUT} or {@link #DELETE}
 * @param requestId unique across the cluster (a random per-process base plus a counter)
 * @param key the key
 * @param value the value (empty for a delete)
 */
record KvCommand(byte op, long requestId, String key, ByteString value) {

  static final byte PUT = 1;
  static final byte DELETE = 2;

  static KvCommand put(long requestId, String key, ByteString value) {
    return new KvCommand(PUT, requestId, key, value);
  }

  static KvCommand delete(long requestId, String key) {
    return new KvCommand(DELETE, requestId, key, ByteString.EMPTY);
  }

  /** The entry payload: op, request id, key (modified UTF-8), value length and bytes. */
  ByteString encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + key.length() + value.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(op);
      out.writeLong(requestId);
      out.writeUTF(key);
      out.writeInt(value.size());
      value.writeTo(out);
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
    try (DataInputStream in = new DataInputStream(data.newInput())) {
      byte op = in.readByte();
      if (op != PUT && op != DELETE) {
        throw new IllegalArgumentException("unknown kv command op " + op);
      }
      long requestId = in.readLong();
      String key = in.readUTF();
      int len = in.readInt();
      if (len < 0 || len > in.available()) {
        throw new IllegalArgumentException("kv command value length " + len + " out of range");
      }
      byte[] value = new byte[len];
      in.readFully(value);
      return new KvCommand(op, requestId, key, ByteString.copyFrom(value));
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed kv command: " + e.getMessage(), e);
    }
  }
}
