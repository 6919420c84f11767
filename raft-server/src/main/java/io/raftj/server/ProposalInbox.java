package io.raftj.server;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Proposals on their way to a group's loop: a lock-free stack linked through the proposals
 * themselves, so queueing one allocates nothing and costs one compare-and-set; the loop takes the
 * whole stack at once and walks it oldest first. {@link #push} may be called from any thread,
 * {@link #takeAll} only from the group's loop thread.
 */
final class ProposalInbox {

  /** The newest proposal; each links to the one pushed before it. */
  private final AtomicReference<GroupEvent.Propose> top = new AtomicReference<>();

  void push(GroupEvent.Propose p) {
    GroupEvent.Propose t;
    do {
      t = top.get();
      p.next = t;
    } while (!top.compareAndSet(t, p));
  }

  /**
   * Removes every proposal and returns the oldest, linked through {@link GroupEvent.Propose#next}
   * to the newest (whose link is null); null if there is none. Proposals pushed by one thread keep
   * their order.
   */
  GroupEvent.Propose takeAll() {
    GroupEvent.Propose p = top.get() == null ? null : top.getAndSet(null);
    GroupEvent.Propose oldest = null;
    while (p != null) {
      GroupEvent.Propose older = p.next;
      p.next = oldest;
      oldest = p;
      p = older;
    }
    return oldest;
  }
}
