package io.raftj.raft;

/**
 * Receives state-machine events as they happen: role changes, commits, replicated proposals,
 * configuration changes, Readys and sent or received Raft RPCs. Mirrors etcd's {@code TraceLogger}
 * ({@code state_trace.go}), which feeds TLA+ trace validation; here it is always compiled in and
 * costs one null check per event when unset.
 *
 * <p>Called on the thread that drives the {@code RawNode}; implementations must not call back into
 * it.
 */
@FunctionalInterface
public interface TraceLogger {

  /** Records one event. */
  void traceEvent(TracingEvent event);
}
