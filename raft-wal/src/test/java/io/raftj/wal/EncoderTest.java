package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Record;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder writes exactly the frames protobuf and the framing rules give: the Record as protobuf
 * serialises it (with the entry as protobuf serialises it), the length field with its padding flag,
 * and zero padding, whichever way the frame was built.
 */
final class EncoderTest {
  @TempDir Path tmp;

  /** What a frame must be: built from protobuf's own serialisation of the Record. */
  static byte[] expectedFrame(long type, int crc, byte[] data) {
    Record.Builder r = Record.newBuilder().setType(type).setCrc(crc);
    if (data != null) {
      r.setData(ByteString.copyFrom(data));
    }
    byte[] rec = r.build().toByteArray();
    int pad = -rec.length & 7;
    byte[] frame = new byte[8 + rec.length + pad];
    long len = pad == 0 ? rec.length : rec.length | (long) (0x80 | pad) << 56;
    for (int i = 0; i < 8; i++) {
      frame[i] = (byte) (len >>> (8 * i));
    }
    System.arraycopy(rec, 0, frame, 8, rec.length);
    return frame;
  }

  /** Encodes {@code msgs} starting at {@code offset} and returns the bytes written from there. */
  private byte[] encodeAll(long offset, int seed, List<? extends MessageLite> msgs)
      throws IOException {
    Path p = tmp.resolve("seg-" + offset + "-" + msgs.size());
    try (WalFs.WalFile f = NioWalFs.INSTANCE.open(p, true)) {
      Encoder enc = new Encoder(f, offset, seed);
      for (MessageLite m : msgs) {
        enc.encode(Wal.ENTRY_TYPE, m);
      }
      enc.flush();
      assertThat(enc.fileOffset()).isEqualTo(Files.size(p));
    }
    byte[] all = Files.readAllBytes(p);
    return Arrays.copyOfRange(all, (int) offset, all.length);
  }

  private static byte[] expectedFrames(int seed, List<? extends MessageLite> msgs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int crc = seed;
    for (MessageLite m : msgs) {
      byte[] data = m.toByteArray();
      crc = Castagnoli.update(crc, data, 0, data.length);
      out.writeBytes(expectedFrame(Wal.ENTRY_TYPE, crc, data));
    }
    return out.toByteArray();
  }

  private static List<Entry> randomEntries(Random r, int n, int maxData) {
    long[] edgy = {
      0, 1, 127, 128, 16383, 16384, (1L << 35) - 1, Long.MAX_VALUE, -1, Long.MIN_VALUE
    };
    List<Entry> es = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Entry.Builder b = Entry.newBuilder();
      if (r.nextInt(4) > 0) {
        b.setTerm(r.nextBoolean() ? edgy[r.nextInt(edgy.length)] : r.nextLong());
      }
      if (r.nextInt(4) > 0) {
        b.setIndex(r.nextBoolean() ? edgy[r.nextInt(edgy.length)] : r.nextLong() >>> r.nextInt(64));
      }
      if (r.nextInt(3) == 0) {
        b.setType(EntryType.values()[r.nextInt(EntryType.values().length)]);
      }
      if (r.nextInt(5) > 0) {
        byte[] d = new byte[r.nextInt(maxData + 1)];
        r.nextBytes(d);
        b.setData(ByteString.copyFrom(d));
      }
      es.add(b.build());
    }
    return es;
  }

  @Test
  void entries_encodeAsProtobufWould_withEveryFieldPresentOrAbsent() throws IOException {
    Random r = new Random(11);
    List<Entry> es = randomEntries(r, 3000, 300);
    int seed = 0x1234_5678;
    assertThat(encodeAll(0, seed, es)).isEqualTo(expectedFrames(seed, es));
  }

  @Test
  void frames_crossTheWatermarkAndStartUnaligned() throws IOException {
    // 64 KB-ish entries push the page buffer past its watermark on most frames, and a start
    // offset inside a page makes every flush realign.
    Random r = new Random(12);
    List<Entry> es = randomEntries(r, 40, 70_000);
    assertThat(encodeAll(4096 * 3 + 24, 0, es)).isEqualTo(expectedFrames(0, es));
  }

  @Test
  void recordLargerThanThePageBuffer_goesThroughScratch() throws IOException {
    Random r = new Random(13);
    byte[] big = new byte[300 * 1024];
    r.nextBytes(big);
    List<Entry> es = new ArrayList<>(randomEntries(r, 5, 100));
    es.add(Entry.newBuilder().setTerm(2).setIndex(9).setData(ByteString.copyFrom(big)).build());
    es.addAll(randomEntries(r, 5, 100));
    assertThat(encodeAll(0, 7, es)).isEqualTo(expectedFrames(7, es));
  }

  @Test
  void entryWithUnknownFields_keepsThem() throws IOException {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
            .build();
    Entry e = Entry.newBuilder().setTerm(1).setIndex(2).setUnknownFields(unknown).build();
    List<Entry> es = List.of(e);
    assertThat(Encoder.EntryFields.handles(e)).isFalse();
    assertThat(encodeAll(0, 0, es)).isEqualTo(expectedFrames(0, es));
  }

  @Test
  void otherMessagesAndRawData_encodeAsProtobufWould() throws IOException {
    Path p = tmp.resolve("mixed");
    HardState hs = HardState.newBuilder().setTerm(3).setVote(2).setCommit(1L << 40).build();
    byte[] raw = {1, 2, 3};
    try (WalFs.WalFile f = NioWalFs.INSTANCE.open(p, true)) {
      Encoder enc = new Encoder(f, 0, 0);
      enc.encodeCrc(0xCAFEBABE);
      enc.encode(Wal.STATE_TYPE, hs);
      enc.encode(Wal.METADATA_TYPE, raw);
      enc.encode(Wal.METADATA_TYPE, (byte[]) null);
      enc.flush();
    }
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(expectedFrame(Wal.CRC_TYPE, 0xCAFEBABE, null));
    int crc = Castagnoli.update(0, hs.toByteArray(), 0, hs.getSerializedSize());
    want.writeBytes(expectedFrame(Wal.STATE_TYPE, crc, hs.toByteArray()));
    crc = Castagnoli.update(crc, raw, 0, raw.length);
    want.writeBytes(expectedFrame(Wal.METADATA_TYPE, crc, raw));
    want.writeBytes(expectedFrame(Wal.METADATA_TYPE, crc, null));
    assertThat(Files.readAllBytes(p)).isEqualTo(want.toByteArray());
  }

  @Test
  void varintSizes_matchTheEncoding() {
    byte[] b = new byte[10];
    long[] vs = {
      0, 1, 127, 128, 1L << 14, (1L << 21) - 1, 1L << 28, 1L << 35, 1L << 56, 1L << 63, -1
    };
    for (long v : vs) {
      assertThat(Encoder.putVarint64(b, 0, v))
          .as("%d", v)
          .isEqualTo(Encoder.varint64Bytes(v))
          .isEqualTo(com.google.protobuf.CodedOutputStream.computeUInt64SizeNoTag(v));
    }
    assertThat(Encoder.varint32Bytes(-1)).isEqualTo(5);
  }
}
