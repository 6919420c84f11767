package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.wal.walpb.Record;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replay parses entries without protobuf's reader; these tests hold that fast path to exactly what
 * {@link Entry#parseFrom(byte[])} returns or throws, over canonical encodings, the odd ones
 * protobuf accepts, and random damage.
 */
final class FastParseTest {
  private final EntryReader reader = new EntryReader(true);

  @Test
  void canonicalEntriesParseAsProtobufDoes() throws IOException {
    Random r = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      Entry.Builder b = Entry.newBuilder();
      if (r.nextBoolean()) {
        b.setTerm(r.nextLong());
      }
      if (r.nextBoolean()) {
        b.setIndex(r.nextInt(4) == 0 ? -1L : r.nextInt(1 << 20));
      }
      if (r.nextBoolean()) {
        b.setType(EntryType.forNumber(r.nextInt(3)));
      }
      if (r.nextBoolean()) {
        byte[] d = new byte[r.nextInt(300)];
        r.nextBytes(d);
        b.setData(ByteString.copyFrom(d));
      }
      assertParsesLikeProtobuf(b.build().toByteArray());
    }
  }

  @Test
  void unusualButValidEncodingsParseAsProtobufDoes() throws IOException {
    assertParsesLikeProtobuf(new byte[0]);
    // a field repeated: the last one wins
    assertParsesLikeProtobuf(
        concat(fieldVarint(2, 5), fieldVarint(2, 9), fieldBytes(4, "a"), fieldBytes(4, "bc")));
    // fields out of order, a zero written explicitly, empty data
    assertParsesLikeProtobuf(
        concat(fieldBytes(4, ""), fieldVarint(3, 0), fieldVarint(1, 0), fieldVarint(2, 1)));
    // an unknown field, an unknown entry type, a field of the wrong wire type
    assertParsesLikeProtobuf(concat(fieldVarint(2, 1), fieldVarint(9, 3)));
    assertParsesLikeProtobuf(concat(fieldVarint(1, 7), fieldVarint(3, 4)));
    assertParsesLikeProtobuf(concat(fieldBytes(2, "x"), fieldVarint(3, 4)));
    // a varint padded to ten bytes
    assertParsesLikeProtobuf(
        new byte[] {
          0x18,
          (byte) 0x81,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          (byte) 0x80,
          0x00
        });
  }

  @Test
  void damagedEntriesFailOrParseAsProtobufDoes() throws IOException {
    Random r = new Random(11);
    byte[] data = new byte[40];
    r.nextBytes(data);
    byte[] good =
        Entry.newBuilder()
            .setTerm(3)
            .setIndex(1_000_000)
            .setType(EntryType.EntryConfChange)
            .setData(ByteString.copyFrom(data))
            .build()
            .toByteArray();
    for (int i = 0; i < good.length; i++) {
      assertParsesLikeProtobuf(Arrays.copyOf(good, i));
      for (int bit = 0; bit < 8; bit++) {
        byte[] b = good.clone();
        b[i] ^= (byte) (1 << bit);
        assertParsesLikeProtobuf(b);
      }
    }
    // an eleven-byte varint is malformed
    byte[] overlong = new byte[12];
    overlong[0] = 0x10;
    Arrays.fill(overlong, 1, 11, (byte) 0x80);
    assertParsesLikeProtobuf(overlong);
  }

  @Test
  void recordsParseAsProtobufDoes() throws IOException {
    Random r = new Random(13);
    for (int i = 0; i < 1_000; i++) {
      Record.Builder b = Record.newBuilder();
      if (r.nextBoolean()) {
        b.setType(r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(6));
      }
      if (r.nextBoolean()) {
        b.setCrc(r.nextInt());
      }
      if (r.nextBoolean()) {
        byte[] d = new byte[r.nextInt(200)];
        r.nextBytes(d);
        b.setData(ByteString.copyFrom(d));
      }
      byte[] good = b.build().toByteArray();
      assertRecordParsesLikeProtobuf(good);
      if (good.length > 0) {
        byte[] damaged = good.clone();
        damaged[r.nextInt(good.length)] ^= (byte) (1 << r.nextInt(8));
        assertRecordParsesLikeProtobuf(damaged);
        assertRecordParsesLikeProtobuf(Arrays.copyOf(good, r.nextInt(good.length)));
      }
    }
    // etcd's old encoding writes zero fields too; an unknown field is skipped
    assertRecordParsesLikeProtobuf(concat(fieldVarint(1, 0), fieldVarint(2, 0), fieldBytes(3, "")));
    assertRecordParsesLikeProtobuf(
        concat(fieldVarint(1, 2), fieldVarint(7, 1), fieldBytes(3, "ab")));
  }

  @Test
  void entryDataIsAViewOfTheRecordBytes() throws IOException {
    byte[] wire =
        Entry.newBuilder()
            .setIndex(1)
            .setData(ByteString.copyFromUtf8("abc"))
            .build()
            .toByteArray();
    byte[] padded = new byte[wire.length + 10];
    System.arraycopy(wire, 0, padded, 5, wire.length);
    Entry e = reader.parse(padded, 5, wire.length);
    assertThat(e.getData().toStringUtf8()).isEqualTo("abc");
    padded[5 + wire.length - 1] = 'z';
    assertThat(e.getData().toStringUtf8()).isEqualTo("abz");
  }

  @Test
  void malformedEntryFailsWithProtobufsMessage() {
    byte[] truncated = {0x22, 0x05, 'a'};
    Throwable want = catchThrowable(() -> Entry.parseFrom(truncated));
    assertThatThrownBy(() -> reader.parse(truncated, 0, truncated.length))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(want.getMessage());
  }

  private void assertParsesLikeProtobuf(byte[] b) {
    Entry want;
    try {
      want = Entry.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      assertThatThrownBy(() -> reader.parse(b, 0, b.length))
          .as("bytes %s", Arrays.toString(b))
          .isInstanceOf(InvalidProtocolBufferException.class);
      return;
    }
    Entry got;
    try {
      got = reader.parse(b, 0, b.length);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(
          "protobuf parses " + Arrays.toString(b) + " but the fast path throws", e);
    }
    assertThat(got).as("bytes %s", Arrays.toString(b)).isEqualTo(want);
    assertThat(got.toByteArray()).isEqualTo(want.toByteArray());
  }

  private static void assertRecordParsesLikeProtobuf(byte[] b) throws IOException {
    Decoder d = new Decoder(java.util.List.of());
    Record want;
    try {
      want = Record.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      assertThatThrownBy(() -> d.unmarshal(b, 0, b.length))
          .as("bytes %s", Arrays.toString(b))
          .isInstanceOf(InvalidProtocolBufferException.class);
      return;
    }
    Decoder.Rec got = d.unmarshal(b, 0, b.length);
    assertThat(got.type).as("type of %s", Arrays.toString(b)).isEqualTo(want.getType());
    assertThat(got.crc).as("crc of %s", Arrays.toString(b)).isEqualTo(want.getCrc());
    assertThat(got.hasData).as("data present in %s", Arrays.toString(b)).isEqualTo(want.hasData());
    assertThat(got.data() == null ? null : ByteString.copyFrom(got.data()))
        .isEqualTo(want.hasData() ? want.getData() : null);
  }

  private static byte[] fieldVarint(int field, long v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeUInt64(field, v);
    c.flush();
    return out.toByteArray();
  }

  private static byte[] fieldBytes(int field, String s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeBytes(field, ByteString.copyFromUtf8(s));
    c.flush();
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
