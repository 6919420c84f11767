package io.raftj.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * This member's proposals that are in its log but not yet applied, in the order they were appended.
 * That is index order, unless this member lost leadership and won it back with a shorter log: then
 * a new proposal can take an index an older one still waits on, and the queue is scanned whole
 * instead of from its head. Confined to the loop thread.
 */
final class PendingProposals {

  private final ArrayDeque<GroupEvent.Propose> queue = new ArrayDeque<>();
  private boolean ordered = true;

  void add(GroupEvent.Propose p) {
    GroupEvent.Propose last = queue.peekLast();
    if (last != null && p.index() <= last.index()) {
      ordered = false;
    }
    queue.addLast(p);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  /** Removes and returns the proposals at or below {@code index}, in queue order. */
  List<GroupEvent.Propose> takeUpTo(long index) {
    if (queue.isEmpty() || ordered && queue.peekFirst().index() > index) {
      return List.of();
    }
    List<GroupEvent.Propose> out = new ArrayList<>(Math.min(queue.size(), 256));
    if (ordered) {
      while (!queue.isEmpty() && queue.peekFirst().index() <= index) {
        out.add(queue.pollFirst());
      }
    } else {
      removeIf(p -> p.index() <= index, out);
    }
    return out;
  }

  /**
   * Removes the proposals of a term before {@code term}: once an entry of {@code term} is
   * committed, every later index holds an entry of that term or a newer one.
   */
  List<GroupEvent.Propose> takeOlderThan(long term) {
    if (queue.isEmpty() || ordered && queue.peekFirst().term() >= term) {
      return List.of(); // the common case, at every apply: nothing lost
    }
    List<GroupEvent.Propose> out = new ArrayList<>(0);
    if (ordered) {
      // In one log, terms grow with indexes.
      while (!queue.isEmpty() && queue.peekFirst().term() < term) {
        out.add(queue.pollFirst());
      }
    } else {
      removeIf(p -> p.term() < term, out);
    }
    return out;
  }

  /** Removes the proposals whose deadline is at or before {@code now}. */
  List<GroupEvent.Propose> takeExpired(long now) {
    List<GroupEvent.Propose> out = new ArrayList<>(0);
    removeIf(p -> p.deadline() - now <= 0, out);
    return out;
  }

  /** Removes every proposal, handing each to {@code action}. */
  void drain(Consumer<GroupEvent.Propose> action) {
    for (GroupEvent.Propose p; (p = queue.pollFirst()) != null; ) {
      action.accept(p);
    }
    ordered = true;
  }

  private void removeIf(
      java.util.function.Predicate<GroupEvent.Propose> test, List<GroupEvent.Propose> out) {
    Iterator<GroupEvent.Propose> it = queue.iterator();
    long last = 0;
    boolean stillOrdered = true;
    while (it.hasNext()) {
      GroupEvent.Propose p = it.next();
      if (test.test(p)) {
        out.add(p);
        it.remove();
      } else {
        stillOrdered &= p.index() > last;
        last = p.index();
      }
    }
    ordered = stillOrdered;
  }
}
