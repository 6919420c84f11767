package io.raftj.server;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link Transport} as its threads call it: a send that throws, an exception or an
 * {@link Error}, loses that batch, as a network would, and nothing else. Raft's retries and
 * heartbeats recover a lost batch; what must not be lost with it is the rest of the caller's work:
 * a loop's batches to other servers and its deferred applies, a storage thread's other groups, the
 * server's ticker (whose liveness beats are sends too: a throw escaping there would end every tick
 * of the server). A snapshot send that throws is reported as not delivered. Failures are counted
 * ({@code sendFailures} in {@link RaftServer#metrics()}) and logged, the first and then every
 * 1,024th.
 */
final class GuardedTransport extends ForwardingTransport {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedTransport.class);

  private final long self;
  private final AtomicLong failures = new AtomicLong();

  GuardedTransport(long self, Transport delegate) {
    super(delegate);
    this.self = self;
  }

  @Override
  public void send(long to, MessageBatch batch) {
    try {
      super.send(to, batch);
    } catch (RuntimeException | Error e) {
      failed(to, e);
    }
  }

  @Override
  public void sendSnapshot(long to, OutgoingSnapshot snapshot) {
    try {
      super.sendSnapshot(to, snapshot);
    } catch (RuntimeException | Error e) {
      failed(to, e);
      snapshot.completed(false);
    }
  }

  /** Sends that threw so far. */
  long failures() {
    return failures.get();
  }

  private void failed(long to, Throwable e) {
    long n = failures.incrementAndGet();
    if (n % 1024 == 1) {
      LOG.warn(
          "server {}: the transport failed to send to {} ({} failures so far)",
          Long.toHexString(self),
          Long.toHexString(to),
          n,
          e);
    }
  }
}
