package io.raftj.raft;

import com.google.protobuf.ByteString;
import io.raftj.raft.quorum.AckedIndexer;
import io.raftj.raft.quorum.JointConfig;
import io.raftj.raft.raftpb.Message;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The leader's bookkeeping of read-index requests awaiting a quorum's heartbeat acknowledgement.
 * Mirrors {@code readOnly} in etcd v3.7's {@code read_only.go}.
 *
 * <p>Requests are numbered in arrival order. A heartbeat's context is the 8-byte little-endian
 * count of requests received so far; a follower echoing it acknowledges all of them. The number of
 * confirmed requests is the quorum's "committed index" over the per-voter acknowledged counts. Not
 * thread-safe; owned by {@link Raft}.
 */
final class ReadOnly implements AckedIndexer {

  /** A read request and the commit index when it arrived. */
  record ReadIndexRequest(Message req, long index) {}

  private final ReadOnlyOption option;
  private final Map<Long, Long> acks = new HashMap<>();
  private List<ReadIndexRequest> unconfirmedReads = new ArrayList<>();

  /** Requests confirmed so far and removed from the front of unconfirmedReads. */
  private long confirmedReads;

  ReadOnly(ReadOnlyOption option) {
    this.option = option;
  }

  ReadOnlyOption option() {
    return option;
  }

  /** Queues a read request received when the commit index was {@code commitIndex}. */
  void addRequest(long commitIndex, Message req) {
    unconfirmedReads.add(new ReadIndexRequest(req, commitIndex));
  }

  /** Records a heartbeat acknowledgement carrying {@code ctx} from {@code from}. */
  void recvAck(long from, @Nullable ByteString ctx) {
    if (ctx != null && ctx.size() >= Long.BYTES) {
      long count = ctx.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong();
      Long prev = acks.get(from);
      // The count comes off the wire: a negative one is malformed and ignored.
      if (count >= 0 && (prev == null || count > prev)) {
        acks.put(from, count);
      }
    }
  }

  @Override
  public long ackedIndex(long voterId) {
    Long idx = acks.get(voterId);
    return idx != null ? idx : AckedIndexer.NOT_FOUND;
  }

  /**
   * Confirms as many requests as a quorum of {@code c} has acknowledged, and returns them in
   * arrival order.
   */
  List<ReadIndexRequest> maybeAdvance(JointConfig c) {
    long newConfirmedReads = c.committedIndex(this);
    if (newConfirmedReads <= confirmedReads) {
      return List.of();
    }
    int n = (int) (newConfirmedReads - confirmedReads);
    List<ReadIndexRequest> confirmed = new ArrayList<>(unconfirmedReads.subList(0, n));
    unconfirmedReads = new ArrayList<>(unconfirmedReads.subList(n, unconfirmedReads.size()));
    confirmedReads = newConfirmedReads;
    return confirmed;
  }

  /** The heartbeat context confirming every request so far, or null when none is waiting. */
  @Nullable ByteString heartbeatCtx() {
    if (unconfirmedReads.isEmpty()) {
      return null;
    }
    long position = confirmedReads + unconfirmedReads.size();
    byte[] b =
        ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(position).array();
    return ByteString.copyFrom(b);
  }
}
