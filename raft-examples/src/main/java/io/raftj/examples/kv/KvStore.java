package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The replicated state machine: keys in order with their values, and the cluster's members with
 * their peer URLs (kept here so a snapshot carries them to a node that joins late). Plays the role
 * of {@code kvstore} in etcd's raftexample, plus its member list.
 *
 * <p>Only the thread applying Raft's committed entries writes; client threads read concurrently
 * (the maps are concurrent, so a read sees each key either before or after an apply).
 */
final class KvStore {

  private static final int SNAPSHOT_FORMAT = 1;

  private final ConcurrentSkipListMap<String, ByteString> kv = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<Long, String> members =
      new ConcurrentSkipListMap<>(Long::compareUnsigned);

  /** Applies a committed command. */
  void apply(KvCommand c) {
    if (c.op() == KvCommand.PUT) {
      kv.put(c.key(), c.value());
    } else {
      kv.remove(c.key());
    }
  }

  /** The value of {@code key}, or null. */
  ByteString get(String key) {
    return kv.get(key);
  }

  /**
   * The keys in {@code [from, to)} in order, at most {@code limit}; an empty {@code to} means the
   * single key {@code from}, and {@code "\0"} means every key from {@code from} on (etcd's range
   * convention).
   */
  List<Map.Entry<String, ByteString>> range(String from, String to, int limit) {
    List<Map.Entry<String, ByteString>> out = new ArrayList<>();
    if (to == null || to.isEmpty()) {
      ByteString v = kv.get(from);
      if (v != null) {
        out.add(Map.entry(from, v));
      }
      return out;
    }
    if (!to.equals("\0") && from.compareTo(to) >= 0) {
      return out;
    }
    NavigableMap<String, ByteString> view =
        to.equals("\0") ? kv.tailMap(from, true) : kv.subMap(from, true, to, false);
    for (Map.Entry<String, ByteString> e : view.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  int size() {
    return kv.size();
  }

  void putMember(long id, String peerUrl) {
    members.put(id, peerUrl);
  }

  void removeMember(long id) {
    members.remove(id);
  }

  /** The peer URL of member {@code id}, or null. */
  String memberUrl(long id) {
    return members.get(id);
  }

  /** Members by id in unsigned order (a snapshot of the map). */
  NavigableMap<Long, String> members() {
    return new ConcurrentSkipListMap<>(members);
  }

  /** Serialises keys, values and members for a Raft snapshot. Call on the applying thread. */
  ByteString snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(SNAPSHOT_FORMAT);
      out.writeInt(members.size());
      for (Map.Entry<Long, String> m : members.entrySet()) {
        out.writeLong(m.getKey());
        out.writeUTF(m.getValue());
      }
      out.writeInt(kv.size());
      for (Map.Entry<String, ByteString> e : kv.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().size());
        e.getValue().writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(bytes.toByteArray());
  }

  /**
   * Replaces the whole state with a snapshot's; an empty payload means an empty state.
   *
   * @throws IllegalArgumentException if the payload is not a snapshot of this store
   */
  void restore(ByteString data) {
    ConcurrentSkipListMap<String, ByteString> newKv = new ConcurrentSkipListMap<>();
    ConcurrentSkipListMap<Long, String> newMembers = new ConcurrentSkipListMap<>(Long::compareUnsigned);
    if (!data.isEmpty()) {
      try (DataInputStream in = new DataInputStream(data.newInput())) {
        int format = in.readInt();
        if (format != SNAPSHOT_FORMAT) {
          throw new IllegalArgumentException("unknown kv snapshot format " + format);
        }
        for (int n = in.readInt(); n > 0; n--) {
          newMembers.put(in.readLong(), in.readUTF());
        }
        for (int n = in.readInt(); n > 0; n--) {
          String key = in.readUTF();
          int len = in.readInt();
          byte[] v = new byte[len];
          in.readFully(v);
          newKv.put(key, ByteString.copyFrom(v));
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("malformed kv snapshot: " + e.getMessage(), e);
      }
    }
    kv.clear();
    kv.putAll(newKv);
    members.clear();
    members.putAll(newMembers);
  }
}
