package io.raftj.server;

/**
 * The proposal entered the log but a later leader replaced it: the entry at its index was committed
 * with another term. The command was not applied, so it may be proposed again.
 */
public final class ProposalLostException extends RaftServerException {
  private static final long serialVersionUID = 1L;

  private final long index;
  private final long term;
  private final long committedTerm;

  ProposalLostException(long index, long term, long committedTerm) {
    super(
        "proposal at index "
            + index
            + " (term "
            + term
            + ") was overwritten by an entry of term "
            + committedTerm,
        false);
    this.index = index;
    this.term = term;
    this.committedTerm = committedTerm;
  }

  /** The index the proposal had been appended at. */
  public long index() {
    return index;
  }

  /** The term the proposal had been appended in. */
  public long term() {
    return term;
  }

  /** The term of the entry committed at that index instead; 0 if a snapshot covered it. */
  public long committedTerm() {
    return committedTerm;
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
