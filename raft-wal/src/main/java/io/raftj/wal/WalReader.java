package io.raftj.wal;

import com.google.protobuf.ByteString;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a WAL directory record by record, for inspection: every record with its segment, offset,
 * type and CRC status. Read-only and lock-free: it opens the segments for reading and nothing else
 * (no lock, no repair, no rename, no permission change), so it can run beside a live writer, on a
 * copy, or on a directory written by etcd 3.4+. Not thread-safe.
 *
 * <p>Damage inside a frame does not stop the reader: a record whose CRC does not continue the chain
 * comes back as {@link WalRecord.Check#CRC_MISMATCH}, and the chain continues from the CRC it
 * stores; a frame that holds no record comes back as {@link WalRecord.Check#UNREADABLE}, and the
 * record after it as {@link WalRecord.Check#UNVERIFIED}. So the records after a damaged one are
 * checked on their own merits. Damage to the framing itself (a length that runs past the data) ends
 * the reading: {@link #next()} throws {@link TornTailException} (the bytes end inside a record, as
 * a crash mid-write leaves them, or as garbage does) and returns null afterwards.
 * <!-- snippet: raft-wal/src/test/java/io/raftj/wal/WalReaderTest.java -->
 *
 * <pre>{@code
 * try (WalReader r = WalReader.open(walDir)) {
 *   for (WalRecord rec = r.next(); rec != null; rec = r.next()) {
 *     System.out.println(rec.segment() + "@" + rec.offset() + " " + rec.typeName() + " " + rec.crcValid());
 *   }
 * }
 * }</pre>
 */
public final class WalReader implements Closeable {
  private final List<WalSegment> segments;
  private final List<WalFs.WalFile> files;
  private final Decoder decoder;
  private boolean ended;

  /** Whether the last frame was unreadable, so the chain is unknown. */
  private boolean chainLost;

  private WalReader(List<WalSegment> segments, List<WalFs.WalFile> files) throws IOException {
    this.segments = segments;
    this.files = files;
    this.decoder = new Decoder(files, true, false);
  }

  /**
   * Opens the WAL in {@code dir} (the directory holding the {@code .wal} files) for reading.
   *
   * @param dir the WAL directory
   * @return a reader positioned before the first record
   * @throws java.nio.file.NoSuchFileException if {@code dir} does not exist
   * @throws WalFileNotFoundException if {@code dir} holds no {@code .wal} file
   */
  public static WalReader open(Path dir) throws IOException {
    return open(dir, WalFs.nio());
  }

  /**
   * {@link #open(Path)} on a file system of the caller's.
   *
   * @param dir the WAL directory
   * @param fs the file system to read through
   * @return a reader positioned before the first record
   * @throws IOException as {@link #open(Path)}
   */
  public static WalReader open(Path dir, WalFs fs) throws IOException {
    List<WalSegment> segments = segments(dir, fs);
    List<String> names = new ArrayList<>(segments.size());
    for (WalSegment s : segments) {
      names.add(s.name());
    }
    List<WalFs.WalFile> files = Verifier.openAll(fs, dir, names);
    try {
      return new WalReader(List.copyOf(segments), files);
    } catch (IOException | RuntimeException e) {
      Wal.closeAll(files, e);
      throw e;
    }
  }

  /**
   * The segments of the WAL in {@code dir}, in sequence order, without opening them.
   *
   * @param dir the WAL directory
   * @param fs the file system to read through
   * @return the segments; never empty
   * @throws WalFileNotFoundException if {@code dir} holds no {@code .wal} file
   */
  public static List<WalSegment> segments(Path dir, WalFs fs) throws IOException {
    List<WalSegment> out = new ArrayList<>();
    for (String n : WalNames.readWalNames(fs, dir)) {
      WalNames.Segment s = WalNames.parse(n);
      long size;
      try (WalFs.WalFile f = fs.open(dir.resolve(n), false)) {
        size = f.size();
      }
      out.add(new WalSegment(n, s.seq(), s.index(), size));
    }
    return out;
  }

  /**
   * The segments being read, in order.
   *
   * @return an unmodifiable list
   */
  public List<WalSegment> segments() {
    return segments;
  }

  /**
   * Whether the segments' sequence numbers increase one by one, as a WAL's must.
   *
   * @return false if a segment is missing or out of place
   */
  public boolean sequenceIsContinuous() {
    List<String> names = new ArrayList<>(segments.size());
    for (WalSegment s : segments) {
      names.add(s.name());
    }
    return WalNames.isValidSeq(names);
  }

  /**
   * The next record.
   *
   * @return the record, or null at the end of the log (and after a framing error was thrown)
   * @throws TornTailException if the log ends inside a record (a length runs past the data)
   * @throws IOException if reading fails
   */
  public WalRecord next() throws IOException {
    if (ended) {
      return null;
    }
    Decoder.Rec rec;
    try {
      rec = decoder.decode();
    } catch (CrcMismatchException e) {
      // the decoder has moved past the record; continue the chain from what it stores
      decoder.updateCrc(e.expected());
      WalRecord.Check check = chainLost ? WalRecord.Check.UNVERIFIED : WalRecord.Check.CRC_MISMATCH;
      chainLost = false;
      return record(e.file(), e.offset(), decoder.lastParsed(), check);
    } catch (TornTailException e) {
      ended = true;
      throw e;
    } catch (WalCorruptionException e) {
      // the frame held no record; the decoder has moved past it
      chainLost = true;
      return new WalRecord(
          e.file(), e.offset(), 0, 0, WalRecord.Check.UNREADABLE, ByteString.EMPTY);
    } catch (IOException | RuntimeException e) {
      ended = true;
      throw e;
    }
    if (rec == null) {
      ended = true;
      return null;
    }
    WalRecord.Check check = WalRecord.Check.OK;
    if (rec.type == Wal.CRC_TYPE) {
      // a segment's first record carries the chain over from the segment before
      int chain = decoder.lastCrc();
      if (chain != 0 && chain != rec.crc) {
        check = chainLost ? WalRecord.Check.UNVERIFIED : WalRecord.Check.CRC_MISMATCH;
      }
      decoder.updateCrc(rec.crc);
    }
    chainLost = false;
    return record(decoder.fileName(), decoder.lastRecordOffset(), rec, check);
  }

  private static WalRecord record(
      String file, long offset, Decoder.Rec rec, WalRecord.Check check) {
    ByteString data =
        rec.hasData ? ByteString.copyFrom(rec.buf, rec.dataOff, rec.dataLen) : ByteString.EMPTY;
    return new WalRecord(file, offset, rec.type, rec.crc, check, data);
  }

  /** Closes the segment files. */
  @Override
  public void close() {
    Wal.closeAll(files, null);
  }
}
