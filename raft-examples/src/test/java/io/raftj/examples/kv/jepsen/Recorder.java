package io.raftj.examples.kv.jepsen;

import io.raftj.simulation.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history of a run, one {@link History} per key (linearizability is local, so each key is
 * checked alone), plus a Jepsen-style event log: {@code invoke}, then {@code ok}, {@code fail} or
 * {@code info}. Thread-safe: each key's history is guarded by its own lock, so an invocation is
 * recorded before its request is sent and a completion after its answer arrived, and the order of
 * the records per key is an order real time allows.
 */
final class Recorder {

  /** One line of the event log. */
  record Event(
      long nanos, int process, String type, String f, String key, long value, String detail) {
    @Override
    public String toString() {
      return String.format(
          "%9.3f %2d %-6s %-5s %s %d%s",
          nanos / 1e9, process, type, f, key, value, detail.isEmpty() ? "" : "  ; " + detail);
    }
  }

  private final long start = System.nanoTime();
  private final Map<String, History> byKey = new TreeMap<>();
  private final List<Event> events = new ArrayList<>();

  Recorder(List<String> keys) {
    for (String k : keys) {
      byKey.put(k, new History());
    }
  }

  /**
   * Records an invocation by {@code process}; returns its op ID, which a write writes as its value.
   */
  long invoke(int process, String key, boolean write) {
    History h = byKey.get(key);
    long id;
    synchronized (h) {
      id = h.invoke(write, process);
    }
    log(process, "invoke", write, key, write ? id : 0, "");
    return id;
  }

  /** Records how op {@code id} on {@code key} completed. */
  void complete(int process, String key, long id, boolean write, Outcome o) {
    History h = byKey.get(key);
    synchronized (h) {
      switch (o.kind()) {
        case OK -> h.returned(id, write ? id : o.value());
        case FAIL -> h.refused(id);
        case INFO -> {} // stays pending: it may take effect at any later time, or never
        default -> throw new IllegalStateException();
      }
    }
    log(
        process,
        o.kind().name().toLowerCase(java.util.Locale.ROOT),
        write,
        key,
        write ? id : o.value(),
        o.detail());
  }

  private void log(int process, String type, boolean write, String key, long value, String detail) {
    Event e =
        new Event(
            System.nanoTime() - start, process, type, write ? "write" : "read", key, value, detail);
    synchronized (events) {
      events.add(e);
    }
  }

  /** The per-key histories; call only after every worker has stopped. */
  Map<String, History> histories() {
    return byKey;
  }

  /** The event log so far, in the order recorded. */
  List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }
}
