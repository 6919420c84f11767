package io.raftj.wal;

/**
 * The log holds bytes that are not a valid record and not a torn tail: data a crash cannot explain,
 * which {@link Wal#repair} will not touch. Names the segment file and the offset of the bad
 * record's frame.
 */
public class WalCorruptionException extends WalException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final long offset;

  /** Corruption in {@code file} (null if not tied to one record) at the frame at {@code offset}. */
  public WalCorruptionException(String message, String file, long offset) {
    super(
        file == null
            ? message
            : String.format("%s: in file '%s' at position: %d", message, file, offset));
    this.file = file;
    this.offset = offset;
  }

  /** The segment's file name, or null if the check was not tied to one record. */
  public String file() {
    return file;
  }

  /** The frame's offset within {@link #file()}. */
  public long offset() {
    return offset;
  }
}
