package io.raftj.benchmarks.server;

import com.google.protobuf.ByteString;
import io.raftj.server.ApplyBatch;
import io.raftj.server.SnapshotWriter;
import io.raftj.server.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The peers-bench state machine: counts applied commands and keeps an order-dependent checksum of
 * their sequence numbers ({@code c = c * 1000003 + seq}), so equal (count, checksum) on every
 * member means the same commands in the same order. Applied on the group's apply executor; read
 * from any thread through {@link #state()}.
 */
final class Counter implements StateMachine {

  /** What a member has applied. */
  record State(long count, long checksum) {}

  private long count;
  private long checksum;

  @Override
  public synchronized void apply(ApplyBatch batch) {
    for (int i = 0; i < batch.size(); i++) {
      count++;
      checksum = checksum * 1_000_003L + Commands.seq(batch.data(i));
    }
  }

  @Override
  public synchronized SnapshotWriter snapshot() {
    long c = count;
    long s = checksum;
    return out -> {
      DataOutputStream d = new DataOutputStream(out);
      d.writeLong(c);
      d.writeLong(s);
      d.flush();
    };
  }

  @Override
  public synchronized void restore(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    count = d.readLong();
    checksum = d.readLong();
  }

  @Override
  public synchronized Object query(Object query) {
    return state();
  }

  synchronized State state() {
    return new State(count, checksum);
  }

  /** Commands as peers-bench makes them: the first 8 bytes are a big-endian sequence number. */
  static final class Commands {
    private Commands() {}

    /** A fresh {@code size}-byte command (at least 8) carrying {@code seq}. */
    static byte[] make(long seq, int size) {
      byte[] b = new byte[Math.max(8, size)];
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (seq >>> (56 - 8 * i));
      }
      for (int i = 8; i < b.length; i++) {
        b[i] = (byte) (i * 31 + seq);
      }
      return b;
    }

    static long seq(ByteString data) {
      long v = 0;
      int n = Math.min(8, data.size());
      for (int i = 0; i < n; i++) {
        v = (v << 8) | (data.byteAt(i) & 0xff);
      }
      return v;
    }
  }
}
