package io.raftj.raft.rafttest;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the project's own data-driven scripts in {@code raft-core/src/test/resources/{quorum,
 * confchange,interaction}}, one test per file. {@code -Draft.rewrite=true} writes the actual output
 * back into those files (review the diff before committing).
 */
final class OwnScriptsTest {

  private static final boolean REWRITE = Boolean.getBoolean(DataDriven.REWRITE_PROPERTY);

  @TestFactory
  Stream<DynamicTest> quorum() {
    return own(ScriptKinds.QUORUM);
  }

  @TestFactory
  Stream<DynamicTest> confchange() {
    return own(ScriptKinds.CONFCHANGE);
  }

  @TestFactory
  Stream<DynamicTest> interaction() {
    return own(ScriptKinds.INTERACTION);
  }

  private static Stream<DynamicTest> own(String kind) {
    return ScriptFolders.tests(ScriptFolders.ownScriptsDir().resolve(kind), kind, REWRITE);
  }
}
