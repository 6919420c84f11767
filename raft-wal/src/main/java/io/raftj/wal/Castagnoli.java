package io.raftj.wal;

import java.util.zip.CRC32C;

/**
 * CRC-32C (Castagnoli) that can continue a chain from a stored value, as Go's {@code
 * crc32.Update(prev, castagnoliTable, data)} does. Mirrors etcd's {@code pkg/crc}.
 *
 * <p>{@link CRC32C} is hardware-accelerated but always starts from the initial value, so {@link
 * #seeded(int)} primes one with four bytes chosen to drive its register to the stored value; from
 * then on it computes exactly what {@link #update} would. {@link #update} is the plain table-driven
 * reference, used for tests and for odd one-off values.
 */
final class Castagnoli {
  /** Reflected Castagnoli polynomial. */
  static final int POLY = 0x82F63B78;

  private static final int[] TABLE = new int[256];

  /** Maps the top byte of a table entry back to its index; the top bytes are all distinct. */
  private static final int[] TOP_BYTE_INDEX = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
      }
      TABLE[i] = c;
      TOP_BYTE_INDEX[c >>> 24] = i;
    }
  }

  private Castagnoli() {}

  /** Returns the CRC-32C of {@code prev}'s data followed by {@code b[off, off+len)}. */
  static int update(int prev, byte[] b, int off, int len) {
    int reg = ~prev;
    for (int i = off; i < off + len; i++) {
      reg = (reg >>> 8) ^ TABLE[(reg ^ b[i]) & 0xff];
    }
    return ~reg;
  }

  /** Returns a fresh {@link CRC32C} whose value is {@code prev} and which continues that chain. */
  static CRC32C seeded(int prev) {
    CRC32C crc = new CRC32C();
    if (prev != 0) {
      crc.update(forge(prev));
    }
    return crc;
  }

  /*
   * A reflected CRC step is reg' = (reg >>> 8) ^ T[k] with k = (reg ^ b) & 0xff. After four
   * steps the starting register has been shifted out completely, so the final register is
   * T[k0]>>>24 ^ T[k1]>>>16 ^ T[k2]>>>8 ^ T[k3]. Matching the wanted register byte by byte from
   * the top fixes k3, k2, k1, k0 in turn (top bytes of T are a permutation); running forward from
   * the initial register then yields the input bytes that select those k.
   */
  private static byte[] forge(int prev) {
    int want = ~prev;
    int[] k = new int[4];
    int r = want;
    for (int i = 3; i >= 0; i--) {
      k[i] = TOP_BYTE_INDEX[r >>> 24];
      r = (r ^ TABLE[k[i]]) << 8;
    }
    byte[] prefix = new byte[4];
    int reg = 0xFFFFFFFF;
    for (int i = 0; i < 4; i++) {
      prefix[i] = (byte) ((reg ^ k[i]) & 0xff);
      reg = (reg >>> 8) ^ TABLE[k[i]];
    }
    return prefix;
  }
}
