package io.raftj.wal;

/** A record's CRC does not continue the chain: etcd's {@code walpb.ErrCRCMismatch}. */
public final class CrcMismatchException extends WalCorruptionException {
  private static final long serialVersionUID = 1L;

  public CrcMismatchException(int expected, int computed, String file, long offset) {
    super(String.format("walpb: crc mismatch: expected: %x computed: %x", expected, computed), file, offset);
  }
}
