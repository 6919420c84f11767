package io.raftj.simulation;

/** The kinds of trouble a {@link World} can make; a {@link Scenario} enables a subset. */
public enum Fault {
  /** Messages lost at random. */
  LOSS,
  /** Messages delivered twice. */
  DUPLICATION,
  /** Messages delayed by several steps, so they overtake each other. */
  DELAY,
  /** Links cut in both directions between two groups, changing over time. */
  PARTITION,
  /** Links cut in one direction only. */
  ONE_WAY_PARTITION,
  /** A member loses power between two steps. */
  CRASH,
  /** A member loses power inside a write or fsync of a save or snapshot. */
  CRASH_MID_WRITE,
  /** A member's clock jumps ahead by several ticks at once (bounded in lease-read worlds). */
  CLOCK_JUMP,
  /** Members added and removed, one at a time and through joint configurations. */
  MEMBERSHIP,
  /** The leader hands leadership to another voter. */
  LEADER_TRANSFER,
  /** Members snapshot and compact their logs often, so followers catch up by snapshot. */
  SNAPSHOT
}
