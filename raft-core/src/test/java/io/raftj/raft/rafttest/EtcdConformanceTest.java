package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs etcd raft v3.7.0's own data-driven scripts, one test per file, byte for byte: the
 * {@code quorum}, {@code confchange} and interaction ({@code testdata}) folders found beside the
 * checkout (see {@link ScriptFolders#conformanceDir()}). When the folder is absent, or a kind has
 * no handler yet, the factory is reported as skipped, not passed. Never rewrites etcd's files.
 */
final class EtcdConformanceTest {

  @TestFactory
  Stream<DynamicTest> quorum() {
    return etcd("quorum", ScriptKinds.QUORUM);
  }

  @TestFactory
  Stream<DynamicTest> confchange() {
    return etcd("confchange", ScriptKinds.CONFCHANGE);
  }

  @TestFactory
  Stream<DynamicTest> interaction() {
    return etcd("testdata", ScriptKinds.INTERACTION);
  }

  /**
   * Every etcd script, whatever its kind, parses and rewrites to itself byte for byte when each
   * directive "prints" its expected output: the parser and the rewriter agree with datadriven
   * on every form etcd's files use.
   */
  @TestFactory
  Stream<DynamicTest> parseAndRewrite_roundTrip() {
    Path root = ScriptFolders.conformanceDir();
    if (root == null) {
      return notFound();
    }
    return DataDriven.walk(root).stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    root.relativize(file).toString(),
                    file.toUri(),
                    () -> {
                      String text = Files.readString(file);
                      RunResult r = DataDriven.run(file.toString(), text, TestData::expected);
                      r.assertPassed();
                      assertThat(r.cases()).isPositive();
                      assertThat(r.actual()).isEqualTo(text);
                    }));
  }

  private static Stream<DynamicTest> etcd(String folder, String kind) {
    Path root = ScriptFolders.conformanceDir();
    if (root == null) {
      return notFound();
    }
    return ScriptFolders.tests(root.resolve(folder), kind, false);
  }

  private static Stream<DynamicTest> notFound() {
    return ScriptFolders.skipped(
        "etcd's conformance scripts not found: no "
            + ScriptFolders.CONFORMANCE_DIR
            + " above "
            + System.getProperty("user.dir")
            + " (set -D"
            + ScriptFolders.CONFORMANCE_PROPERTY
            + ")");
  }
}
