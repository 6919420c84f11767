package io.raftj.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.server.SnapshotWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class KvStoreTest {

  private final Map<Long, KvStore.Member> seen = new HashMap<>();
  private final KvStore store = new KvStore((id, m) -> seen.put(id, m));

  private static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static ByteString bytes(int... v) {
    byte[] a = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      a[i] = (byte) v[i];
    }
    return ByteString.copyFrom(a);
  }

  /** Applies {@code commands} as one batch; returns the results. */
  private static List<Object> apply(KvStore s, KvCommand... commands) {
    ByteString[] data = new ByteString[commands.length];
    for (int i = 0; i < commands.length; i++) {
      data[i] = commands[i].encode();
    }
    PayloadBatch b = new PayloadBatch(data);
    s.apply(b);
    return b.results();
  }

  private static List<ByteString> keys(KvStore.Page p) {
    return p.kvs().stream().map(Map.Entry::getKey).toList();
  }

  private static byte[] write(SnapshotWriter w) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void command_roundTripsThroughItsEntryPayload() {
    KvCommand put = KvCommand.put(bytes(0xff, 0, 0xfe), b("v"));
    assertThat(KvCommand.decode(put.encode())).isEqualTo(put);
    KvCommand del = KvCommand.delete(b("k"));
    assertThat(KvCommand.decode(del.encode())).isEqualTo(del);
    KvCommand member = KvCommand.member(-2L, "http://127.0.0.1:1", "https://127.0.0.1:2");
    assertThat(KvCommand.decode(member.encode())).isEqualTo(member);
    assertThatThrownBy(() -> KvCommand.decode(b("\u0009junk")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putPayload_isTheLogsFormat_opThenLengthPrefixedKeyAndValue() {
    // The format entries already in WALs were written in: op, int32 length + key, int32 + value.
    assertThat(KvCommand.put(b("ab"), b("xyz")).encode().toByteArray())
        .containsExactly(1, 0, 0, 0, 2, 'a', 'b', 0, 0, 0, 3, 'x', 'y', 'z');
    assertThat(KvCommand.delete(b("k")).encode().toByteArray())
        .containsExactly(2, 0, 0, 0, 1, 'k', 0, 0, 0, 0);
  }

  @Test
  void truncatedOrOverlongPut_isRefused() {
    byte[] good = KvCommand.put(b("ab"), b("xyz")).encode().toByteArray();
    for (int len = 1; len < good.length; len++) {
      ByteString cut = ByteString.copyFrom(good, 0, len);
      assertThatThrownBy(() -> KvCommand.decode(cut))
          .as("cut at %d", len)
          .isInstanceOf(IllegalArgumentException.class);
    }
    ByteString longer = ByteString.copyFrom(good).concat(b("!"));
    assertThatThrownBy(() -> KvCommand.decode(longer)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void binaryKeys_areDistinct_andOrderedAsUnsignedBytes() {
    apply(
        store,
        KvCommand.put(bytes(0xff, 0xfe), b("1")),
        KvCommand.put(bytes(0xfe, 0xff), b("2")),
        KvCommand.put(bytes(0x01), b("3")));
    assertThat(store.get(bytes(0xff, 0xfe))).isEqualTo(b("1"));
    assertThat(store.get(bytes(0xfe, 0xff))).isEqualTo(b("2"));
    assertThat(store.size()).isEqualTo(3);
    assertThat(keys(store.range(bytes(0x00), bytes(0), 10)))
        .containsExactly(bytes(0x01), bytes(0xfe, 0xff), bytes(0xff, 0xfe));
  }

  @Test
  void range_followsEtcdConventions_andPages() {
    for (String k : new String[] {"a", "b", "c", "d"}) {
      apply(store, KvCommand.put(b(k), b(k.toUpperCase())));
    }
    assertThat(keys(store.range(b("b"), b("d"), 100))).containsExactly(b("b"), b("c"));
    assertThat(keys(store.range(b("b"), ByteString.EMPTY, 100))).containsExactly(b("b"));
    assertThat(keys(store.range(b("b"), bytes(0), 100))).containsExactly(b("b"), b("c"), b("d"));
    assertThat(store.range(b("d"), b("a"), 100).kvs()).isEmpty();

    KvStore.Page first = store.range(b("a"), bytes(0), 3);
    assertThat(keys(first)).containsExactly(b("a"), b("b"), b("c"));
    assertThat(first.more()).isTrue();
    assertThat(first.next()).isEqualTo(b("d"));
    KvStore.Page second = store.range(first.next(), bytes(0), 3);
    assertThat(keys(second)).containsExactly(b("d"));
    assertThat(second.more()).isFalse();
    KvStore.Page exact = store.range(b("a"), bytes(0), 4);
    assertThat(exact.more()).as("a page that ends with the range says there is no more").isFalse();
  }

  @Test
  void delete_reportsWhetherTheKeyExisted() {
    apply(store, KvCommand.put(b("x"), b("1")));
    assertThat(apply(store, KvCommand.delete(b("x")), KvCommand.delete(b("x"))))
        .containsExactly(true, false);
    assertThat(store.size()).isZero();
  }

  @Test
  void snapshot_isAPointInTimeView_whileWritesGoOn() throws IOException {
    apply(
        store,
        KvCommand.put(b("a"), b("1")),
        KvCommand.put(b("b"), b("2")),
        KvCommand.member(1, "http://127.0.0.1:1", "http://127.0.0.1:2"));
    SnapshotWriter w = store.snapshot();
    // Writes after the capture: an overwrite, a delete, a new key, a new member.
    apply(
        store,
        KvCommand.put(b("a"), b("changed")),
        KvCommand.delete(b("b")),
        KvCommand.put(b("c"), b("3")),
        KvCommand.member(2, "http://127.0.0.1:3", ""));
    assertThat(store.get(b("a"))).isEqualTo(b("changed"));
    assertThat(store.get(b("b"))).isNull();
    assertThat(keys(store.range(b("a"), bytes(0), 10))).containsExactly(b("a"), b("c"));
    assertThat(store.size()).isEqualTo(2);

    byte[] snap = write(w);
    KvStore restored = new KvStore((id, m) -> {});
    restored.restore(new ByteArrayInputStream(snap));
    assertThat(restored.get(b("a"))).isEqualTo(b("1"));
    assertThat(restored.get(b("b"))).isEqualTo(b("2"));
    assertThat(restored.get(b("c"))).isNull();
    assertThat(restored.size()).isEqualTo(2);
    assertThat(restored.members()).containsOnlyKeys(1L);

    // After the writer is done, the next apply folds the overlay back; state is unchanged by it.
    apply(store, KvCommand.put(b("d"), b("4")));
    assertThat(keys(store.range(b("a"), bytes(0), 10))).containsExactly(b("a"), b("c"), b("d"));
    assertThat(store.get(b("a"))).isEqualTo(b("changed"));
    KvStore again = new KvStore((id, m) -> {});
    again.restore(new ByteArrayInputStream(write(store.snapshot())));
    assertThat(keys(again.range(b("a"), bytes(0), 10))).containsExactly(b("a"), b("c"), b("d"));
    assertThat(again.members()).containsOnlyKeys(1L, 2L);
  }

  @Test
  void theOverlayIsFoldedBackASliceAtATime_andNewerWritesWinOverOlderOnesStillWaiting()
      throws IOException {
    int during = 3 * KvStore.FOLD_SLICE;
    Map<ByteString, ByteString> expected = new java.util.TreeMap<>(KvStore.KEY_ORDER);
    for (int i = 0; i < during; i++) {
      apply(store, KvCommand.put(key(i), b("old")));
      expected.put(key(i), b("old"));
    }
    SnapshotWriter w = store.snapshot();
    for (int i = 0; i < during; i++) {
      apply(store, KvCommand.put(key(i), b("during")));
      expected.put(key(i), b("during"));
    }
    apply(store, KvCommand.delete(key(0)));
    expected.remove(key(0));
    assertThat(store.unfolded()).isEqualTo(during);
    write(w);

    // The writer is done: one small apply folds one slice, not everything.
    ByteString last = key(during - 1);
    apply(store, KvCommand.put(last, b("after")));
    expected.put(last, b("after"));
    assertThat(store.unfolded()).isEqualTo(during - KvStore.FOLD_SLICE - 1);
    // A delete and an overwrite of keys whose older values still wait in the overlay.
    ByteString waiting = key(during - 2);
    apply(store, KvCommand.delete(waiting), KvCommand.put(key(during - 3), b("after")));
    expected.remove(waiting);
    expected.put(key(during - 3), b("after"));
    assertThat(store.unfolded()).isPositive();
    assertStoreHolds(expected);

    while (store.unfolded() > 0) {
      apply(store, KvCommand.put(b("z"), b("tick")));
    }
    expected.put(b("z"), b("tick"));
    assertStoreHolds(expected);
    KvStore restored = new KvStore((id, m) -> {});
    restored.restore(new ByteArrayInputStream(write(store.snapshot())));
    assertThat(restored.range(bytes(0), bytes(0), 10_000).kvs())
        .containsExactlyElementsOf(expected.entrySet());
  }

  private void assertStoreHolds(Map<ByteString, ByteString> expected) {
    assertThat(store.size()).isEqualTo(expected.size());
    assertThat(store.range(bytes(0), bytes(0), 10_000).kvs())
        .containsExactlyElementsOf(expected.entrySet());
    for (Map.Entry<ByteString, ByteString> e : expected.entrySet()) {
      assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
    }
    assertThat(store.get(key(0))).isNull();
  }

  private static ByteString key(int i) {
    return b(String.format("k%05d", i));
  }

  @Test
  void aSecondSnapshot_beforeTheFirstIsWritten_getsItsOwnView() throws IOException {
    apply(store, KvCommand.put(b("a"), b("1")));
    SnapshotWriter first = store.snapshot();
    apply(store, KvCommand.put(b("a"), b("2")));
    SnapshotWriter second = store.snapshot();
    apply(store, KvCommand.put(b("a"), b("3")));
    KvStore r1 = new KvStore((id, m) -> {});
    r1.restore(new ByteArrayInputStream(write(first)));
    KvStore r2 = new KvStore((id, m) -> {});
    r2.restore(new ByteArrayInputStream(write(second)));
    assertThat(r1.get(b("a"))).isEqualTo(b("1"));
    assertThat(r2.get(b("a"))).isEqualTo(b("2"));
    assertThat(store.get(b("a"))).isEqualTo(b("3"));
  }

  @Test
  void memberTable_tellsTheListener_andKeepsUrlsNotGivenAgain() throws IOException {
    apply(
        store,
        KvCommand.member(3, "http://127.0.0.1:1", ""),
        KvCommand.member(3, "", "http://127.0.0.1:9"));
    assertThat(store.members().get(3L))
        .isEqualTo(new KvStore.Member(3, "http://127.0.0.1:1", "http://127.0.0.1:9"));
    assertThat(seen.get(3L)).isEqualTo(store.members().get(3L));
    apply(store, KvCommand.forget(3));
    assertThat(store.members()).isEmpty();
    assertThat(seen).containsEntry(3L, null);
    assertThatThrownBy(() -> store.restore(new ByteArrayInputStream(new byte[] {0, 0, 0, 9})))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format");
  }
}
