package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs etcd raft v3.7.0's own data-driven scripts, one test per file, byte for byte: the {@code
 * quorum}, {@code confchange} and interaction ({@code testdata}) folders found beside the checkout
 * (see {@link ScriptFolders#conformanceDir()}). When the folder is absent, or a kind has no handler
 * yet, the factory is reported as skipped, not passed. Never rewrites etcd's files.
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
   * directive "prints" its expected output: the parser and the rewriter agree with datadriven on
   * every form etcd's files use.
   */
  @TestFactory
  Stream<DynamicTest> parseAndRewrite_roundTrip() {
    Path root = ScriptFolders.conformanceDir();
    if (root == null || !Files.isDirectory(root)) {
      return notFound(root);
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
    if (root == null || !Files.isDirectory(root)) {
      return notFound(root);
    }
    return ScriptFolders.tests(root.resolve(folder), kind, false);
  }

  /** Whether the skip has been announced on the console in this JVM. */
  private static boolean announced;

  /**
   * A configured folder that does not exist fails (the caller asked for the scripts); no folder
   * found is a visible skip, announced once on the console with how to point the build at one.
   */
  private static Stream<DynamicTest> notFound(Path configured) {
    if (configured != null) {
      String msg =
          "-D" + ScriptFolders.CONFORMANCE_PROPERTY + "=" + configured + " is not a directory";
      return Stream.of(
          DynamicTest.dynamicTest(
              "configured folder",
              () -> {
                throw new AssertionError(msg);
              }));
    }
    String reason =
        "etcd's conformance scripts not found: no "
            + ScriptFolders.CONFORMANCE_DIR
            + " above "
            + System.getProperty("user.dir")
            + "; point the build at a copy of etcd raft v3.7.0's testdata with"
            + " mvn -B verify -D"
            + ScriptFolders.CONFORMANCE_PROPERTY
            + "=/path/to/etcd-raft-v3.7.0 (holding testdata/, quorum/ and confchange/)";
    synchronized (EtcdConformanceTest.class) {
      if (!announced) {
        announced = true;
        // Build tools show a skip only as a count; say why where the person running it looks.
        System.out.println("[WARNING] EtcdConformanceTest skipped: " + reason);
      }
    }
    return ScriptFolders.skipped(reason);
  }
}
