package io.raftj.wal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.raftj.raft.raftpb.Entry;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Frames records onto a segment: each record's data is folded into the running CRC-32C, the {@code
 * walpb.Record} is encoded after an 8-byte length field and padded to 8 bytes, and the frame goes
 * through a {@link PageWriter}. Mirrors {@code encoder} in etcd's {@code wal/encoder.go}. Not
 * thread-safe: the owning {@link Wal} serialises calls.
 *
 * <p>Frames are built where they will be flushed from, the page writer's buffer (a scratch array
 * only for records too large for its reserved room). The record's data is serialised first, at the
 * place it would take after a header with a 5-byte CRC varint; once the CRC is known the header is
 * laid in front of it, and the data moved down by the bytes a shorter varint saves (one record in
 * sixteen). The Record is written by hand, field 1, 2, 3 as protobuf would (type and crc always,
 * data when present). {@link Entry}, the record written most, is serialised by hand as well ({@link
 * #entryFields}); anything else goes through protobuf.
 */
final class Encoder {
  /** Alignment for flushing records, a multiple of the sector size: etcd's walPageBytes. */
  static final int PAGE_BYTES = 8 * Decoder.MIN_SECTOR_SIZE;

  /** Buffer watermark of the page writer (etcd's defaultBufferBytes). */
  static final int BUFFER_BYTES = 128 * 1024;

  /**
   * Length field, then the Record's type (tag, 10-byte varint at most), crc (tag, 5) and data tags
   * (tag, 5).
   */
  private static final int MAX_HEADER = 8 + 11 + 6 + 6;

  /** Frames up to this size are built in the page buffer; larger ones in a scratch array. */
  private static final int RESERVE_BYTES = 64 * 1024;

  private static final int CRC_VARINT_MAX = 5;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final PageWriter pw;
  private final CRC32C crc;

  /** Where the frame being built lives: the page buffer or a scratch array. */
  private byte[] target;

  private int frameStart;

  Encoder(WalFs.WalFile file, long offset, int prevCrc) {
    this.pw = new PageWriter(file, offset, PAGE_BYTES, BUFFER_BYTES, RESERVE_BYTES);
    this.crc = Castagnoli.seeded(prevCrc);
  }

  /** The running CRC: the chain value after the last record encoded. */
  int crc() {
    return (int) crc.getValue();
  }

  /** The offset up to which frames have been handed to the file. */
  long fileOffset() {
    return pw.fileOffset();
  }

  /** Encodes a record carrying the serialised {@code msg} as its data. */
  void encode(long type, MessageLite msg) throws IOException {
    if (msg instanceof Entry e && EntryFields.handles(e)) {
      int size = EntryFields.size(e);
      int at = place(type, true, size);
      EntryFields.write(e, target, at);
      finish(type, true, at, size);
      return;
    }
    int size = msg.getSerializedSize();
    int at = place(type, true, size);
    CodedOutputStream out = CodedOutputStream.newInstance(target, at, size);
    msg.writeTo(out);
    out.checkNoSpaceLeft();
    finish(type, true, at, size);
  }

  /** Encodes a record with {@code data} (null: no data field) folded into the chain. */
  void encode(long type, byte[] data) throws IOException {
    int size = data == null ? 0 : data.length;
    int at = place(type, data != null, size);
    if (data != null) {
      System.arraycopy(data, 0, target, at, size);
    }
    finish(type, data != null, at, size);
  }

  /** Encodes a CRC record carrying {@code prevCrc} (it has no data; the chain is unchanged). */
  void encodeCrc(int prevCrc) throws IOException {
    int at = place(Wal.CRC_TYPE, false, 0);
    writeFrame(Wal.CRC_TYPE, prevCrc, false, at, 0);
  }

  void flush() throws IOException {
    pw.flush();
  }

  /** Makes room for a frame with {@code size} bytes of data and returns where the data go. */
  private int place(long type, boolean hasData, int size) {
    int at = pw.reserve(MAX_HEADER + size + 7);
    if (at >= 0) {
      target = pw.buffer();
    } else {
      target = new byte[MAX_HEADER + size + 7]; // a record this large is rare; let it go after
      at = 0;
    }
    frameStart = at;
    return at + 8 + headerBytes(type, hasData, size, CRC_VARINT_MAX);
  }

  private void finish(long type, boolean hasData, int at, int size) throws IOException {
    if (hasData) {
      crc.update(target, at, size);
    }
    writeFrame(type, (int) crc.getValue(), hasData, at, size);
  }

  /**
   * Lays the header in front of the data at {@code at} (moving the data if it is shorter) and pads.
   */
  private void writeFrame(long type, int crcValue, boolean hasData, int at, int size)
      throws IOException {
    int header = headerBytes(type, hasData, size, varint32Bytes(crcValue));
    int dataAt = frameStart + 8 + header;
    if (dataAt != at) {
      System.arraycopy(target, at, target, dataAt, size);
    }
    int p = frameStart + 8;
    target[p++] = 1 << 3;
    p = putVarint64(target, p, type);
    target[p++] = 2 << 3;
    p = putVarint64(target, p, crcValue & 0xFFFFFFFFL);
    if (hasData) {
      target[p++] = (3 << 3) | 2;
      putVarint64(target, p, size);
    }
    int recBytes = header + size;
    int pad = -recBytes & 7;
    long lenField = pad == 0 ? recBytes : recBytes | (long) (0x80 | pad) << 56;
    LONG_LE.set(target, frameStart, lenField);
    int end = dataAt + size;
    for (int i = 0; i < pad; i++) {
      target[end + i] = 0;
    }
    int frameBytes = 8 + recBytes + pad;
    if (target == pw.buffer()) {
      pw.commit(frameBytes);
    } else {
      pw.write(target, frameStart, frameBytes);
    }
  }

  private static int headerBytes(long type, boolean hasData, int size, int crcBytes) {
    return 1 + varint64Bytes(type) + 1 + crcBytes + (hasData ? 1 + varint32Bytes(size) : 0);
  }

  static int varint32Bytes(int v) {
    return varint64Bytes(v & 0xFFFFFFFFL);
  }

  static int varint64Bytes(long v) {
    // 7 payload bits a byte; 0 still takes one byte
    return (63 - Long.numberOfLeadingZeros(v | 1)) / 7 + 1;
  }

  static int putVarint64(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /**
   * Serialises an {@link Entry} by hand, the bytes protobuf would produce: fields in number order
   * (Type 1, Term 2, Index 3, Data 4), each exactly when present. Entries with unknown fields are
   * left to protobuf.
   */
  static final class EntryFields {
    private EntryFields() {}

    static boolean handles(Entry e) {
      return e.getUnknownFields().getSerializedSize() == 0;
    }

    static int size(Entry e) {
      int n = 0;
      if (e.hasType()) {
        n += 1 + varint64Bytes(e.getType().getNumber());
      }
      if (e.hasTerm()) {
        n += 1 + varint64Bytes(e.getTerm());
      }
      if (e.hasIndex()) {
        n += 1 + varint64Bytes(e.getIndex());
      }
      if (e.hasData()) {
        int len = e.getData().size();
        n += 1 + varint32Bytes(len) + len;
      }
      return n;
    }

    static void write(Entry e, byte[] b, int p) {
      if (e.hasType()) {
        b[p++] = 1 << 3;
        p =
            putVarint64(
                b, p, e.getType().getNumber()); // an enum is an int32: negative takes 10 bytes
      }
      if (e.hasTerm()) {
        b[p++] = 2 << 3;
        p = putVarint64(b, p, e.getTerm());
      }
      if (e.hasIndex()) {
        b[p++] = 3 << 3;
        p = putVarint64(b, p, e.getIndex());
      }
      if (e.hasData()) {
        b[p++] = (4 << 3) | 2;
        p = putVarint64(b, p, e.getData().size());
        e.getData().copyTo(b, p);
      }
    }
  }
}
