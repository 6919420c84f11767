package io.raftj.raft.rafttest;

/**
 * Runs one data-driven directive and returns its output, which is compared with the expected block.
 * The runner adds a final newline to non-empty output that lacks one.
 *
 * <p>A handler may keep state across the directives of one file; {@link ScriptKind#newHandler}
 * creates a fresh one per file. Throwing (typically {@link DataDrivenException}) aborts the file.
 */
@FunctionalInterface
public interface Handler {

  /** Executes {@code d} and returns what it printed. */
  String handle(TestData d);
}
