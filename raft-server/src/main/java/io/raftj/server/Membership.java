package io.raftj.server;

import java.util.List;

/**
 * A group's members after a membership change was applied.
 *
 * @param index the log index the change was committed at
 * @param voters the voters, in ascending unsigned order
 * @param learners the learners, in ascending unsigned order
 */
public record Membership(long index, List<Long> voters, List<Long> learners) {}
