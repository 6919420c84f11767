package io.raftj.server;

/**
 * A {@link Transport} that hands every call to another: the base of one that changes a call ({@link
 * GuardedTransport}, and tests that break a transport).
 */
class ForwardingTransport implements Transport {

  private final Transport delegate;

  ForwardingTransport(Transport delegate) {
    this.delegate = delegate;
  }

  @Override
  public void start(long localServerId, Inbound inbound) {
    delegate.start(localServerId, inbound);
  }

  @Override
  public void send(long to, MessageBatch batch) {
    delegate.send(to, batch);
  }

  @Override
  public void sendSnapshot(long to, OutgoingSnapshot snapshot) {
    delegate.sendSnapshot(to, snapshot);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
