package io.raftj.server;

import com.google.protobuf.ByteString;

/**
 * Committed commands handed to {@link StateMachine#apply}, in log order, with a slot for each
 * command's result. Reused between calls: read it only during the call. Empty entries (the ones a
 * new leader appends) and membership changes are not in the batch, so indexes may skip.
 */
public interface ApplyBatch {

  /** The number of commands. */
  int size();

  /** The log index of command {@code i}. */
  long index(int i);

  /** The term of command {@code i}. */
  long term(int i);

  /** The payload of command {@code i}, as proposed. */
  ByteString data(int i);

  /** Sets the result that completes command {@code i}'s future on the member that proposed it. */
  void setResult(int i, Object result);
}
