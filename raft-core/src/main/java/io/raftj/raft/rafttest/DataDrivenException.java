package io.raftj.raft.rafttest;

/**
 * A script that cannot run: a directive that does not parse, a missing or malformed argument, or an
 * unknown command where the handler treats that as fatal. It aborts the file, as {@code t.Fatal}
 * does in etcd's data-driven tests; ordinary results are output instead.
 */
public final class DataDrivenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with the reason that is reported for the file. */
  public DataDrivenException(String message) {
    super(message);
  }
}
