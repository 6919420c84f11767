package io.raftj.wal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.util.zip.CRC32C;

/**
 * Frames records onto a segment: each record's data is folded into the running CRC-32C, the
 * {@code walpb.Record} is encoded after an 8-byte length field and padded to 8 bytes, and the
 * frame goes through a {@link PageWriter}. Mirrors {@code encoder} in etcd's {@code wal/encoder.go}.
 * Not thread-safe: the owning {@link Wal} serialises calls.
 *
 * <p>The Record is written by hand, field 1, 2, 3 as protobuf would (type and crc always, data
 * when present), straight into a reusable frame buffer: the data is serialised in place first,
 * then the header is laid down in front of it once the CRC is known.
 */
final class Encoder {
  /** Alignment for flushing records, a multiple of the sector size: etcd's walPageBytes. */
  static final int PAGE_BYTES = 8 * Decoder.MIN_SECTOR_SIZE;
  /** Buffer watermark of the page writer (etcd's defaultBufferBytes). */
  static final int BUFFER_BYTES = 128 * 1024;

  /** Length field (8) + type tag and varint (1 + 10) + crc tag and varint (1 + 5) + data tag and length (1 + 5). */
  private static final int MAX_HEADER = 8 + 11 + 6 + 6;
  private static final int FRAME_BUFFER = 64 * 1024;
  /** A frame buffer grown past this for one large record is dropped afterwards (etcd: 1 MiB). */
  private static final int MAX_RETAINED = 1024 * 1024;

  private final PageWriter pw;
  private CRC32C crc;
  private byte[] frame = new byte[FRAME_BUFFER];

  Encoder(WalFs.WalFile file, long offset, int prevCrc) {
    this.pw = new PageWriter(file, offset, PAGE_BYTES, BUFFER_BYTES);
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
    int size = msg.getSerializedSize();
    ensure(size);
    CodedOutputStream out = CodedOutputStream.newInstance(frame, MAX_HEADER, size);
    msg.writeTo(out);
    out.checkNoSpaceLeft();
    finish(type, true, size);
  }

  /** Encodes a record with {@code data} (null: no data field) folded into the chain. */
  void encode(long type, byte[] data) throws IOException {
    int size = data == null ? 0 : data.length;
    ensure(size);
    if (data != null) {
      System.arraycopy(data, 0, frame, MAX_HEADER, size);
    }
    finish(type, data != null, size);
  }

  /** Encodes a CRC record carrying {@code prevCrc} (it has no data; the chain is unchanged). */
  void encodeCrc(int prevCrc) throws IOException {
    ensure(0);
    writeFrame(Wal.CRC_TYPE, prevCrc, false, 0);
  }

  void flush() throws IOException {
    pw.flush();
  }

  private void finish(long type, boolean hasData, int size) throws IOException {
    if (hasData) {
      crc.update(frame, MAX_HEADER, size);
    }
    writeFrame(type, (int) crc.getValue(), hasData, size);
  }

  /** Lays the header in front of the data at MAX_HEADER and pads the end. */
  private void writeFrame(long type, int crcValue, boolean hasData, int size) throws IOException {
    int headerLen = 1 + CodedOutputStream.computeInt64SizeNoTag(type)
        + 1 + CodedOutputStream.computeUInt32SizeNoTag(crcValue)
        + (hasData ? 1 + CodedOutputStream.computeUInt32SizeNoTag(size) : 0);
    int start = MAX_HEADER - headerLen;
    CodedOutputStream h = CodedOutputStream.newInstance(frame, start, headerLen);
    h.writeInt64(1, type);
    h.writeUInt32(2, crcValue);
    if (hasData) {
      h.writeTag(3, 2);
      h.writeUInt32NoTag(size);
    }
    h.checkNoSpaceLeft();
    int recBytes = headerLen + size;
    int pad = (8 - (recBytes % 8)) % 8;
    long lenField = recBytes;
    if (pad != 0) {
      lenField |= (long) (0x80 | pad) << 56;
    }
    int frameStart = start - 8;
    for (int i = 0; i < 8; i++) {
      frame[frameStart + i] = (byte) (lenField >>> (8 * i));
    }
    int end = MAX_HEADER + size;
    for (int i = 0; i < pad; i++) {
      frame[end + i] = 0;
    }
    pw.write(frame, frameStart, 8 + recBytes + pad);
    if (frame.length > MAX_RETAINED) {
      frame = new byte[FRAME_BUFFER];
    }
  }

  private void ensure(int dataSize) {
    int need = MAX_HEADER + dataSize + 8;
    if (need > frame.length) {
      frame = new byte[Math.max(need, frame.length * 2)];
    }
  }
}
