package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class KvStoreTest {

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void command_roundTripsThroughItsEntryPayload() {
    KvCommand put = KvCommand.put(-5L, "k\u00e9y", b("v"));
    assertThat(KvCommand.decode(put.encode())).isEqualTo(put);
    KvCommand del = KvCommand.delete(7L, "k");
    assertThat(KvCommand.decode(del.encode())).isEqualTo(del);
    assertThatThrownBy(() -> KvCommand.decode(b("\u0009junk"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void range_followsEtcdConventions() {
    KvStore s = new KvStore();
    for (String k : new String[] {"a", "b", "c", "d"}) {
      s.apply(KvCommand.put(1, k, b(k.toUpperCase())));
    }
    assertThat(s.range("b", "d", 100)).extracting(Map.Entry::getKey).containsExactly("b", "c");
    assertThat(s.range("b", "", 100)).extracting(Map.Entry::getKey).containsExactly("b");
    assertThat(s.range("b", "\0", 100)).extracting(Map.Entry::getKey).containsExactly("b", "c", "d");
    assertThat(s.range("d", "a", 100)).isEmpty();
    assertThat(s.range("a", "\0", 2)).hasSize(2);
  }

  @Test
  void snapshot_restoresKeysAndMembers() {
    KvStore s = new KvStore();
    s.apply(KvCommand.put(1, "x", b("1")));
    s.apply(KvCommand.put(2, "y", b("2")));
    s.apply(KvCommand.delete(3, "x"));
    s.putMember(1, "http://127.0.0.1:1");
    s.putMember(-1L, "http://127.0.0.1:2");

    KvStore t = new KvStore();
    t.apply(KvCommand.put(9, "stale", b("gone")));
    t.restore(s.snapshot());
    assertThat(t.get("stale")).isNull();
    assertThat(t.get("x")).isNull();
    assertThat(t.get("y")).isEqualTo(b("2"));
    assertThat(t.members()).containsExactly(Map.entry(1L, "http://127.0.0.1:1"), Map.entry(-1L, "http://127.0.0.1:2"));

    t.restore(ByteString.EMPTY);
    assertThat(t.size()).isZero();
  }
}
