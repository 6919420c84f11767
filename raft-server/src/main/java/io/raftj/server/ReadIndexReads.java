package io.raftj.server;

import com.google.protobuf.ByteString;
import io.raftj.raft.RawNode;
import io.raftj.raft.ReadState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A group's reads through ReadIndex: those that arrived during a loop turn go out as one ReadIndex
 * request, whose 8-byte context names the batch; when Raft answers with a {@link ReadState}, each
 * read of the batch waits on the apply executor for that index. Confined to the group's loop
 * thread.
 *
 * <p>A request or its answer can be lost (a follower's MsgReadIndex sent while the leader's
 * connection was down, the leader's heartbeats for it dropped): a request unanswered for {@link
 * #RETRY_NANOS} is sent again with the same context, as etcd's server does after 500 ms, instead of
 * leaving its reads to their deadline. A second answer for one context finds nothing and is
 * ignored.
 */
final class ReadIndexReads {

  /** How long a request waits for its answer before it is sent again (etcd's server: 500 ms). */
  static final long RETRY_NANOS = 500_000_000L;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ReadIndexReads.class);

  /** The reads of one request, and when it was last sent. */
  private static final class Issued {
    final List<GroupEvent.Read> reads;
    long sentAt;

    Issued(List<GroupEvent.Read> reads, long sentAt) {
      this.reads = reads;
      this.sentAt = sentAt;
    }
  }

  private final List<GroupEvent.Read> waiting = new ArrayList<>();
  private final Map<Long, Issued> issued = new HashMap<>();
  private final BiConsumer<CompletableFuture<Object>, RaftServerException> fail;
  private long nextContext;

  /** {@code fail} completes a read's future with an exception off the loop thread. */
  ReadIndexReads(BiConsumer<CompletableFuture<Object>, RaftServerException> fail) {
    this.fail = fail;
  }

  void add(GroupEvent.Read r) {
    waiting.add(r);
  }

  boolean hasWaiting() {
    return !waiting.isEmpty();
  }

  /** Whether a ReadIndex request is out and unanswered. */
  boolean hasIssued() {
    return !issued.isEmpty();
  }

  /** Sends the waiting reads as one ReadIndex request. */
  void issue(RawNode node, long now) {
    long ctx = ++nextContext;
    issued.put(ctx, new Issued(new ArrayList<>(waiting), now));
    waiting.clear();
    node.readIndex(context(ctx));
  }

  /** Sends again the requests unanswered for {@link #RETRY_NANOS}; returns how many. */
  int resend(RawNode node, long now) {
    int n = 0;
    for (Map.Entry<Long, Issued> e : issued.entrySet()) {
      Issued i = e.getValue();
      if (now - i.sentAt >= RETRY_NANOS) {
        LOG.debug(
            "read index request {} unanswered for {} ms, sending it again",
            e.getKey(),
            (now - i.sentAt) / 1_000_000);
        i.sentAt = now;
        node.readIndex(context(e.getKey()));
        n++;
      }
    }
    return n;
  }

  private static ByteString context(long ctx) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) ctx;
      ctx >>>= 8;
    }
    return ByteString.copyFrom(b);
  }

  /** Hands the reads Raft answered to {@code applier}, each to run once its index is applied. */
  void answered(List<ReadState> states, Applier applier) {
    for (int i = 0; i < states.size(); i++) {
      ReadState rs = states.get(i);
      ByteString c = rs.requestCtx();
      if (c.size() != 8) {
        continue;
      }
      long ctx = 0;
      for (int k = 0; k < 8; k++) {
        ctx = (ctx << 8) | (c.byteAt(k) & 0xff);
      }
      Issued reads = issued.remove(ctx);
      if (reads != null) {
        for (GroupEvent.Read r : reads.reads) {
          applier.read(r.query(), r.future(), rs.index());
        }
      }
    }
  }

  /** Fails the reads not sent yet. */
  void failWaiting(RaftServerException ex) {
    for (GroupEvent.Read r : waiting) {
      fail.accept(r.future(), ex);
    }
    waiting.clear();
  }

  /** Fails the reads whose request is out: it may never be answered now. */
  void failIssued(RaftServerException ex) {
    for (Issued reads : issued.values()) {
      for (GroupEvent.Read r : reads.reads) {
        fail.accept(r.future(), ex);
      }
    }
    issued.clear();
  }

  /** Fails the issued reads whose deadline is at or before {@code now}. */
  void expire(long now) {
    Iterator<Issued> it = issued.values().iterator();
    while (it.hasNext()) {
      List<GroupEvent.Read> reads = it.next().reads;
      reads.removeIf(
          r -> {
            if (r.deadline() - now <= 0) {
              fail.accept(
                  r.future(),
                  new DeadlineExceededException("read timed out waiting for its read index"));
              return true;
            }
            return false;
          });
      if (reads.isEmpty()) {
        it.remove();
      }
    }
  }
}
