package io.raftj.server;

/**
 * Every {@link RaftServerTest} with the state machine on the loop thread: with its log in memory,
 * each group then drives RawNode's synchronous Ready/advance cycle instead of asynchronous storage
 * writes.
 */
final class RaftServerInlineReadyTest extends RaftServerTest {

  @Override
  GroupOptions mode(GroupOptions options) {
    return options.withApplyOnLoopThread(true);
  }
}
