package io.raftj.raft;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * The bounded inbox of a {@link Node}: a lock-free multi-producer queue that the node's loop drains
 * in batches, with room counted by a semaphore so that producers wait only when it is full.
 * Thread-safe: any thread may add; one thread at a time (the loop) takes.
 *
 * <p>Taking does not free room; the loop frees it with {@link #release} once per batch, so a
 * producer pays one CAS for its room and one for its place in the queue, and no lock.
 */
final class NodeInbox {

  /** Room handed back by {@link #open()}: enough that no producer waits again. */
  private static final int OPEN = Integer.MAX_VALUE / 2;

  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final Semaphore room;

  /** Run on the loop right after it took an event; tests use it to act between take and handle. */
  private @Nullable Runnable afterTake;

  NodeInbox(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("inbox capacity must be positive: " + capacity);
    }
    this.room = new Semaphore(capacity);
  }

  /**
   * Adds {@code e}, waiting for room.
   *
   * @throws InterruptedException if interrupted while waiting (nothing is added)
   */
  void put(Object e) throws InterruptedException {
    room.acquire();
    queue.add(e);
  }

  /** Adds {@code e} if there is room; false if the inbox is full. */
  boolean offer(Object e) {
    if (!room.tryAcquire()) {
      return false;
    }
    queue.add(e);
    return true;
  }

  /** Adds {@code e} without taking room: for the stop signal, which must never wait. */
  void addWithoutRoom(Object e) {
    queue.add(e);
  }

  /** The oldest event, or null if there is none; for the loop. */
  @Nullable Object poll() {
    Object e = queue.poll();
    Runnable hook = afterTake;
    if (e != null && hook != null) {
      hook.run();
    }
    return e;
  }

  /**
   * Sets (or, with null, removes) a hook that the loop runs each time it has taken an event, before
   * handling it. For tests that need a call from outside to land exactly there; set it before
   * adding the event it should follow.
   */
  void afterTake(@Nullable Runnable hook) {
    this.afterTake = hook;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Frees the room of {@code n} events the loop has taken. */
  void release(int n) {
    if (n > 0) {
      room.release(n);
    }
  }

  /** Frees room for good, so that producers still waiting after a stop return. */
  void open() {
    room.release(OPEN);
  }
}
