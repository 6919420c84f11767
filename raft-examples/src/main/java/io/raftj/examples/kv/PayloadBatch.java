package io.raftj.examples.kv;

import com.google.protobuf.ByteString;
import io.raftj.server.ApplyBatch;
import java.util.Arrays;
import java.util.List;

/**
 * Entry payloads handed to the store as raft-server hands a committed batch (indexes from 1, term
 * 1), keeping the results the store sets: for tools and tests that drive a {@link KvStore} without
 * a group.
 */
final class PayloadBatch implements ApplyBatch {
  private final ByteString[] data;
  private final Object[] results;

  PayloadBatch(ByteString... data) {
    this.data = data;
    this.results = new Object[data.length];
  }

  @Override
  public int size() {
    return data.length;
  }

  @Override
  public long index(int i) {
    return i + 1;
  }

  @Override
  public long term(int i) {
    return 1;
  }

  @Override
  public ByteString data(int i) {
    return data[i];
  }

  @Override
  public void setResult(int i, Object result) {
    results[i] = result;
  }

  /** The results the store set, by position (null where none). */
  List<Object> results() {
    return Arrays.asList(results);
  }
}
