package io.raftj.wal;

/** Two segments carry different metadata: etcd's {@code ErrMetadataConflict}. */
public final class MetadataConflictException extends WalException {
  private static final long serialVersionUID = 1L;

  public MetadataConflictException(String file) {
    super("wal: conflicting metadata found in file '" + file + "'");
  }
}
