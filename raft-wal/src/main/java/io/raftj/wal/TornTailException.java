package io.raftj.wal;

import java.io.EOFException;

/**
 * The log ends in a partly written record, as a crash mid-write leaves it: etcd's {@code
 * io.ErrUnexpectedEOF}. {@link Wal#repair} cuts it off.
 */
public final class TornTailException extends EOFException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final long offset;

  /** The log ends inside a record of {@code file}, whose frame starts at {@code offset}. */
  public TornTailException(String detail, String file, long offset) {
    super(String.format("unexpected EOF: %s: in file '%s' at position: %d", detail, file, offset));
    this.file = file;
    this.offset = offset;
  }

  /** The segment's file name. */
  public String file() {
    return file;
  }

  /** The offset of the torn record's frame, where a repair truncates. */
  public long offset() {
    return offset;
  }
}
