package io.raftj.wal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads records from a run of segments, checking each record's CRC against the chain and telling a
 * torn tail from corruption. Mirrors {@code decoder} in etcd's {@code wal/decoder.go}. Not
 * thread-safe.
 *
 * <p>{@link #decode()} returns the next record, reused across calls; {@code null} is a clean end
 * (etcd's {@code io.EOF}); {@link TornTailException} is etcd's {@code io.ErrUnexpectedEOF}.
 */
final class Decoder {
  static final int MIN_SECTOR_SIZE = 512;

  /** Size of the length field that starts every frame. */
  static final int FRAME_SIZE_BYTES = 8;

  /**
   * Bytes per read. Retained chunks this large are allocated outside the young generation and never
   * copied by the garbage collector; and reads this large keep a disk busy while the chunk before
   * is parsed (with 1 MB reads a cold replay took a third longer).
   */
  private static final int CHUNK_BYTES = 8 << 20;

  /**
   * Room at the start of a read-ahead chunk for the partial frame carried over from the last one.
   */
  private static final int CARRY = 64 * 1024;

  /** One decoded record. Its data lies in the decoder's buffer until the next decode. */
  static final class Rec {
    long type;
    int crc;
    boolean hasData;
    byte[] buf;
    int dataOff;
    int dataLen;

    byte[] data() {
      if (!hasData) {
        return null;
      }
      byte[] d = new byte[dataLen];
      System.arraycopy(buf, dataOff, d, 0, dataLen);
      return d;
    }

    <T> T parse(Parser<T> parser) throws InvalidProtocolBufferException {
      return hasData ? parser.parseFrom(buf, dataOff, dataLen) : parser.parseFrom(new byte[0]);
    }
  }

  private final List<WalFs.WalFile> files;
  private final boolean continueOnCrcError;
  private int current;
  private long fileSize;

  /** File offset following the last valid record in the current file. */
  private long lastValidOff;

  /** Start of the last record returned. */
  private long lastRecordOff;

  private CRC32C crc = Castagnoli.seeded(0);

  /**
   * Whether records may be kept past the next decode: then no read chunk is ever written twice, and
   * a record's bytes stay valid for as long as something refers to them.
   */
  private boolean retainChunks;

  private final WireCursor cursor = new WireCursor();

  private final ReadAhead readAhead = new ReadAhead();

  /** Chunks read or taken so far; read-ahead starts with the second. */
  private int chunksRead;

  /** Without retained chunks: a buffer free for the next read-ahead. */
  private byte[] spare;

  /** Bytes per read; 0 for {@link #CHUNK_BYTES}. */
  private int chunkBytes;

  private byte[] rbuf = new byte[0];
  private int rpos;
  private int rlim;

  /** File offset of rbuf[rlim]. */
  private long readOff;

  private final Rec rec = new Rec();

  Decoder(List<WalFs.WalFile> files) throws IOException {
    this(files, false, false);
  }

  /**
   * With {@code continueOnCrcError}, a CRC mismatch or a frame that holds no valid record still
   * advances, for inspection tools. With {@code retainChunks}, every read goes to a fresh chunk, so
   * what a record's bytes back (an entry's data, parsed without a copy) is never overwritten:
   * replay keeps every entry.
   */
  Decoder(List<WalFs.WalFile> files, boolean continueOnCrcError, boolean retainChunks)
      throws IOException {
    this.files = files;
    this.continueOnCrcError = continueOnCrcError;
    this.retainChunks = retainChunks;
    if (!files.isEmpty()) {
      fileSize = files.get(0).size();
    }
  }

  /** Whether records stay valid after the next decode (see the constructor). */
  boolean retainsChunks() {
    return retainChunks;
  }

  /** Chooses, before the first decode, whether read chunks are kept (see the constructor). */
  void retainChunks(boolean retain) {
    if (readOff != 0 || current != 0) {
      throw new IllegalStateException("decoding has begun");
    }
    retainChunks = retain;
  }

  Rec decode() throws IOException {
    try {
      Rec r = next();
      if (r == null) {
        readAhead.cancel();
      }
      return r;
    } catch (IOException | RuntimeException e) {
      try {
        readAhead.cancel(); // no read may still be running once the caller sees the failure
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private Rec next() throws IOException {
    while (true) {
      if (current >= files.size()) {
        return null;
      }
      int got = fill(FRAME_SIZE_BYTES);
      long l = got < FRAME_SIZE_BYTES ? 0 : readLong();
      if (got == 0 || (got == FRAME_SIZE_BYTES && l == 0)) {
        // end of this file, or its preallocated zero tail
        if (!nextFile()) {
          return null;
        }
        continue;
      }
      if (got < FRAME_SIZE_BYTES) {
        throw new TornTailException("partial length field", fileName(), lastValidOff);
      }
      rpos += FRAME_SIZE_BYTES;
      long recBytes = l & ~(0xffL << 56);
      int padBytes = l < 0 ? (int) ((l >>> 56) & 0x7) : 0;
      long maxEntryLimit = fileSize - lastValidOff - padBytes;
      if (recBytes > maxEntryLimit) {
        throw new TornTailException(
            String.format(
                "[wal] max entry size limit exceeded, recBytes: %d, fileSize(%d) - offset(%d) - padBytes(%d) = entryLimit(%d)",
                recBytes, fileSize, lastValidOff, padBytes, maxEntryLimit),
            fileName(),
            lastValidOff);
      }
      int frameLen = (int) recBytes + padBytes;
      if (fill(frameLen) < frameLen) {
        throw new TornTailException("short record", fileName(), lastValidOff);
      }
      int start = rpos;
      rpos += frameLen;
      return check(start, (int) recBytes, frameLen);
    }
  }

  private Rec check(int start, int recBytes, int frameLen) throws IOException {
    try {
      unmarshal(rbuf, start, recBytes);
    } catch (InvalidProtocolBufferException e) {
      if (isTornEntry(start, frameLen)) {
        throw new TornTailException("torn record", fileName(), lastValidOff);
      }
      long at = lastValidOff;
      if (continueOnCrcError) {
        advance(frameLen); // inspection: the frame's length is sound, so the next one can be read
      }
      throw new WalCorruptionException("walpb: bad record: " + e.getMessage(), fileName(), at);
    }
    if (rec.type != Wal.CRC_TYPE) {
      if (rec.hasData) {
        crc.update(rec.buf, rec.dataOff, rec.dataLen);
      }
      int computed = (int) crc.getValue();
      if (rec.crc != computed) {
        long at = lastValidOff;
        boolean torn = isTornEntry(start, frameLen);
        if (continueOnCrcError) {
          advance(frameLen);
        }
        if (torn) {
          throw new TornTailException("torn record", fileName(), at);
        }
        throw new CrcMismatchException(rec.crc, computed, fileName(), at);
      }
    }
    advance(frameLen);
    return rec;
  }

  private void advance(int frameLen) {
    lastRecordOff = lastValidOff;
    lastValidOff += FRAME_SIZE_BYTES + frameLen;
  }

  private static final int TYPE_TAG = 1 << 3;
  private static final int CRC_TAG = 2 << 3;
  private static final int DATA_TAG = (3 << 3) | 2;

  /**
   * Parses a walpb.Record as protobuf would, keeping the data in place; returns the reused record.
   */
  Rec unmarshal(byte[] b, int off, int len) throws IOException {
    WireCursor c = cursor;
    c.reset(b, off, len);
    long type = 0;
    int crcValue = 0;
    int dataOff = -1;
    int dataLen = 0;
    while (c.more()) {
      int tag = c.tag();
      if (tag == TYPE_TAG) {
        type = c.varint();
      } else if (tag == CRC_TAG) {
        crcValue = (int) c.varint();
      } else if (tag == DATA_TAG) {
        dataLen = c.lengthDelimited();
        dataOff = c.position() - dataLen;
      } else {
        c.bad = true;
      }
    }
    if (c.bad) {
      unmarshalSlowly(b, off, len);
      return rec;
    }
    rec.type = type;
    rec.crc = crcValue;
    rec.hasData = dataOff >= 0;
    rec.buf = b;
    rec.dataOff = rec.hasData ? dataOff : 0;
    rec.dataLen = dataLen;
    return rec;
  }

  /** Any layout the fast path does not expect: protobuf's reader decides, and names the fault. */
  private void unmarshalSlowly(byte[] b, int off, int len) throws IOException {
    rec.type = 0;
    rec.crc = 0;
    rec.hasData = false;
    rec.buf = b;
    rec.dataOff = 0;
    rec.dataLen = 0;
    CodedInputStream in = CodedInputStream.newInstance(b, off, len);
    while (true) {
      int tag = in.readTag();
      switch (tag) {
        case 0:
          return;
        case 8:
          rec.type = in.readInt64();
          break;
        case 16:
          rec.crc = in.readUInt32();
          break;
        case 26:
          {
            int n = in.readRawVarint32();
            if (n < 0 || n > len - in.getTotalBytesRead()) {
              throw new InvalidProtocolBufferException("truncated data field");
            }
            rec.hasData = true;
            rec.dataOff = off + in.getTotalBytesRead();
            rec.dataLen = n;
            in.skipRawBytes(n);
            break;
          }
        default:
          if (!in.skipField(tag)) {
            return;
          }
      }
    }
  }

  /**
   * A record that fails to parse or check is torn, not corrupt, if it is in the last file and one
   * of the 512-byte sectors it spans is all zeros: that sector never reached the disk.
   */
  private boolean isTornEntry(int start, int frameLen) {
    if (current != files.size() - 1) {
      return false;
    }
    long fileOff = lastValidOff + FRAME_SIZE_BYTES;
    int cur = 0;
    while (cur < frameLen) {
      int chunk = (int) Math.min(MIN_SECTOR_SIZE - (fileOff % MIN_SECTOR_SIZE), frameLen - cur);
      boolean zero = true;
      for (int i = start + cur; i < start + cur + chunk; i++) {
        if (rbuf[i] != 0) {
          zero = false;
          break;
        }
      }
      if (zero) {
        return true;
      }
      fileOff += chunk;
      cur += chunk;
    }
    return false;
  }

  private boolean nextFile() throws IOException {
    current++;
    if (retainChunks) {
      rbuf = new byte[0];
    }
    rpos = 0;
    rlim = 0;
    readOff = 0;
    if (current >= files.size()) {
      return false;
    }
    lastValidOff = 0;
    fileSize = files.get(current).size();
    return true;
  }

  /**
   * Makes up to {@code n} bytes available at rpos; returns how many are. From the second chunk of a
   * log on, the chunk after the one being read is read ahead on another thread.
   */
  private int fill(int n) throws IOException {
    int avail = rlim - rpos;
    if (avail >= n) {
      return n;
    }
    ReadAhead.Chunk c = readAhead.take(current, readOff);
    if (c != null) {
      adopt(c, avail);
    }
    if (rlim - rpos < n) {
      read(n);
    }
    if (++chunksRead > 1) {
      requestNext();
    }
    return Math.min(n, rlim - rpos);
  }

  /** Reads from the current file until {@code n} bytes are available at rpos or the file ends. */
  private void read(int n) throws IOException {
    int avail = rlim - rpos;
    if (rpos + n > rbuf.length) {
      // Sized to what the file still holds, so a small log does not cost a whole chunk.
      long left = Math.max(0, fileSize - readOff);
      int size = (int) Math.max(n, Math.min(chunkBytes(), avail + left));
      if (retainChunks || size > rbuf.length) {
        byte[] next = new byte[size];
        System.arraycopy(rbuf, rpos, next, 0, avail);
        rbuf = next;
      } else {
        System.arraycopy(rbuf, rpos, rbuf, 0, avail);
      }
      rpos = 0;
      rlim = avail;
    }
    WalFs.WalFile f = files.get(current);
    while (rlim - rpos < n) {
      ByteBuffer bb = ByteBuffer.wrap(rbuf, rlim, rbuf.length - rlim);
      int r = f.read(bb, readOff);
      if (r <= 0) {
        break;
      }
      rlim += r;
      readOff += r;
    }
  }

  /** Continues at the read-ahead chunk, carrying over the {@code avail} bytes not yet decoded. */
  private void adopt(ReadAhead.Chunk c, int avail) {
    byte[] old = rbuf;
    if (avail <= c.off) {
      System.arraycopy(rbuf, rpos, c.buf, c.off - avail, avail);
      rbuf = c.buf;
      rpos = c.off - avail;
      rlim = c.off + c.len;
    } else { // a frame longer than the carry-over room straddles the chunks
      byte[] merged = new byte[avail + c.len];
      System.arraycopy(rbuf, rpos, merged, 0, avail);
      System.arraycopy(c.buf, c.off, merged, avail, c.len);
      rbuf = merged;
      rpos = 0;
      rlim = avail + c.len;
    }
    readOff += c.len;
    if (!retainChunks && old.length > CARRY) {
      spare = old; // nothing refers to it: records are valid until the next decode only
    }
  }

  /** Asks for the chunk after the bytes read so far: the rest of this file, else the next file. */
  private void requestNext() throws IOException {
    if (readAhead.pending()) {
      return;
    }
    int file = current;
    long pos = readOff;
    long size = fileSize;
    if (pos >= size) {
      file++;
      pos = 0;
      if (file >= files.size()) {
        return;
      }
      size = files.get(file).size();
    }
    int len = (int) Math.min(chunkBytes(), size - pos);
    if (len < chunkBytes() / 8) {
      return; // a read this small costs less in place than handed to another thread and back
    }
    byte[] buf;
    if (!retainChunks && spare != null && spare.length >= CARRY + len) {
      buf = spare;
    } else {
      buf = new byte[CARRY + len];
    }
    spare = null;
    readAhead.request(files.get(file), file, pos, buf, CARRY);
  }

  private int chunkBytes() {
    return chunkBytes > 0 ? chunkBytes : CHUNK_BYTES;
  }

  /**
   * Reads in chunks of {@code bytes} instead of the defaults: tests reach chunk edges with small
   * logs.
   */
  Decoder withChunkBytes(int bytes) {
    chunkBytes = bytes;
    return this;
  }

  private long readLong() {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (rbuf[rpos + i] & 0xff);
    }
    return v;
  }

  /**
   * The record the last decode parsed, also when it then failed its CRC check (with {@code
   * continueOnCrcError}): valid until the next decode.
   */
  Rec lastParsed() {
    return rec;
  }

  /** The current file's name, for error messages. */
  String fileName() {
    return current < files.size() ? files.get(current).path().getFileName().toString() : "";
  }

  /** Offset following the last valid record of the current file. */
  long lastOffset() {
    return lastValidOff;
  }

  /** Offset of the last record returned, in the current file. */
  long lastRecordOffset() {
    return lastRecordOff;
  }

  int lastCrc() {
    return (int) crc.getValue();
  }

  void updateCrc(int prevCrc) {
    crc = Castagnoli.seeded(prevCrc);
  }
}
