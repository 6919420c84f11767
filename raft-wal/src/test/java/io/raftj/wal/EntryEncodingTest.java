package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Saves write entries by hand rather than through protobuf's writer; the frames must be the
 * bytes protobuf's own encoding of the same entries gives, CRC chain included, for every
 * combination of fields present, values at every varint width and data sizes across the frame
 * buffer's growth.
 */
final class EntryEncodingTest {

  @Test
  void handWrittenEntriesMatchProtobufsEncoding() throws IOException {
    Random r = new Random(11);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      entries.add(randomEntry(r));
    }
    entries.add(Entry.getDefaultInstance());
    entries.add(Entry.newBuilder().setIndex(-1L).setTerm(Long.MIN_VALUE).build());
    entries.add(Entry.newBuilder().setIndex(5).setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build()).build());

    byte[] byProtobuf = encode(entries, false);
    assertThat(byProtobuf.length).isGreaterThan(entries.size() * 16);
    assertThat(encode(entries, true)).isEqualTo(byProtobuf);
  }

  private static Entry randomEntry(Random r) {
    Entry.Builder b = Entry.newBuilder();
    if (r.nextBoolean()) {
      b.setType(EntryType.values()[r.nextInt(EntryType.values().length)]);
    }
    if (r.nextInt(4) != 0) {
      b.setTerm(r.nextLong() >>> r.nextInt(64));
    }
    if (r.nextInt(4) != 0) {
      b.setIndex(r.nextLong() >>> r.nextInt(64));
    }
    if (r.nextInt(4) != 0) {
      int size = r.nextInt(10) == 0 ? r.nextInt(200_000) : r.nextInt(300);
      byte[] d = new byte[size];
      r.nextBytes(d);
      b.setData(ByteString.copyFrom(d));
    }
    return b.build();
  }

  /** The segment bytes for {@code entries}, written by hand or by protobuf. */
  private static byte[] encode(List<Entry> entries, boolean byHand) throws IOException {
    CrashFs fs = new CrashFs();
    Path dir = Path.of("/enc");
    fs.createDirectories(dir);
    Path file = dir.resolve("seg");
    try (WalFs.WalFile f = fs.open(file, true)) {
      Encoder enc = new Encoder(f, 0, 0x1234);
      for (Entry e : entries) {
        if (byHand) {
          enc.encodeEntry(e);
        } else {
          enc.encode(Wal.ENTRY_TYPE, e);
        }
      }
      enc.flush();
    }
    return fs.contents(file);
  }
}
