package io.raftj.server;

/**
 * Hears of leader changes seen by one group member. Called on the server's event executor, in
 * order, never concurrently; it must not block.
 */
@FunctionalInterface
public interface LeaderListener {

  /**
   * The member now knows {@code leader} (0: none) as leader in {@code term}.
   *
   * @param groupId the group
   * @param leader the leader's server ID, or 0
   * @param term the term
   */
  void leaderChanged(long groupId, long leader, long term);
}
