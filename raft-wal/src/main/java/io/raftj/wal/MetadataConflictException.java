package io.raftj.wal;

/** Two segments carry different metadata: etcd's {@code ErrMetadataConflict}. */
public final class MetadataConflictException extends WalException {
  private static final long serialVersionUID = 1L;

  /** A segment, named {@code file}, carries other metadata than the segments before it. */
  public MetadataConflictException(String file) {
    super("wal: conflicting metadata found in file '" + file + "'");
  }
}
