package io.raftj.server;

/**
 * Where a group on RawNode's synchronous Ready/advance cycle stands with the Ready it handed out
 * last: once its committed entries are applied it can be advanced, and no new Ready may be taken
 * before. Confined to the loop thread.
 */
final class InlineReady {

  /** The index the handed-out Ready's committed entries end at; 0 when none waits. */
  private long awaitedIndex;

  /** Whether a Ready waits for its committed entries to be applied before the advance. */
  boolean awaitingApply() {
    return awaitedIndex != 0;
  }

  /** A Ready whose committed entries end at {@code lastIndex} was handed out to be applied. */
  void handedOut(long lastIndex) {
    if (awaitedIndex != 0) {
      throw new IllegalStateException(
          "a Ready was handed out while entries up to " + awaitedIndex + " await their apply");
    }
    awaitedIndex = lastIndex;
  }

  /**
   * Entries up to {@code index} are applied; true if that completes the Ready handed out, which the
   * caller then advances. An earlier index (a snapshot restored before the entries) does not.
   */
  boolean applied(long index) {
    if (awaitedIndex == 0 || index < awaitedIndex) {
      return false;
    }
    awaitedIndex = 0;
    return true;
  }
}
