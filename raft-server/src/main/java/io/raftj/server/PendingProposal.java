package io.raftj.server;

import java.util.concurrent.CompletableFuture;

/**
 * A proposal in this member's log, waiting for the entry at its index to be applied: with its term
 * it succeeded, with another it was lost.
 */
record PendingProposal(
    long index, long term, CompletableFuture<Object> future, long deadline, boolean change) {}
