package io.raftj.wal;

/** A record's CRC does not continue the chain: etcd's {@code walpb.ErrCRCMismatch}. */
public final class CrcMismatchException extends WalCorruptionException {
  private static final long serialVersionUID = 1L;
  private final int expected;

  /**
   * A mismatch at one record.
   *
   * @param expected the CRC stored in the record
   * @param computed the CRC the chain computes for it
   * @param file the segment's file name
   * @param offset the offset of the record's frame in {@code file}
   */
  public CrcMismatchException(int expected, int computed, String file, long offset) {
    super(
        String.format("walpb: crc mismatch: expected: %x computed: %x", expected, computed),
        file,
        offset);
    this.expected = expected;
  }

  /**
   * The CRC stored in the record: the chain as the writer computed it, from which the records after
   * this one can still be checked.
   *
   * @return the stored CRC
   */
  public int expected() {
    return expected;
  }
}
