package io.raftj.raft.rafttest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/** Turns a folder of data-driven scripts into one JUnit dynamic test per file. */
final class ScriptFolders {

  /** The folder of etcd's scripts, looked for as {@code shared/conformance/...} beside a parent. */
  static final String CONFORMANCE_DIR = "shared/conformance/etcd-raft-v3.7.0";

  /** Overrides where etcd's scripts are: {@code -Draftj.conformance.dir=/path}. */
  static final String CONFORMANCE_PROPERTY = "raftj.conformance.dir";

  private ScriptFolders() {}

  /**
   * etcd's conformance folder: the property if set, otherwise the first {@code
   * shared/conformance/etcd-raft-v3.7.0} found walking up from the working directory; null if there
   * is none.
   */
  static Path conformanceDir() {
    String configured = System.getProperty(CONFORMANCE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path d = workingDir(); d != null; d = d.getParent()) {
      Path candidate = d.resolve(CONFORMANCE_DIR);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** raft-core's {@code src/test/resources}, whether tests run from the module or the root. */
  static Path ownScriptsDir() {
    Path here = workingDir();
    Path module = here.resolve("src/test/resources");
    return Files.isDirectory(module) ? module : here.resolve("raft-core/src/test/resources");
  }

  /**
   * One test per script under {@code folder}, run with the handler of {@code kindName}. A missing
   * folder, or a kind with no handler registered yet, gives one {@link #skipped} test, never a
   * pass. With {@code rewrite}, writes actual output back instead of comparing.
   */
  static Stream<DynamicTest> tests(Path folder, String kindName, boolean rewrite) {
    if (folder == null || !Files.isDirectory(folder)) {
      return skipped("no script folder at " + folder);
    }
    ScriptKind kind = ScriptKinds.lookup(kindName);
    if (kind == null) {
      return skipped("no handler registered for script kind \"" + kindName + "\" yet");
    }
    return DataDriven.walk(folder).stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    testName(folder, file),
                    file.toUri(),
                    () -> {
                      if (rewrite) {
                        RunResult r = DataDriven.rewrite(file, kind.newHandler());
                        if (r.error() != null) {
                          throw new AssertionError(r.error(), r.cause());
                        }
                      } else {
                        DataDriven.run(file, kind.newHandler()).assertPassed();
                      }
                    }));
  }

  /**
   * A single test that aborts with {@code reason}. Build tools report an aborted test as skipped,
   * whereas an aborted factory would silently vanish from their counts.
   */
  static Stream<DynamicTest> skipped(String reason) {
    return Stream.of(
        DynamicTest.dynamicTest("skipped", () -> Assumptions.assumeTrue(false, reason)));
  }

  /** The path below {@code folder} without the extension, as datadriven names subtests. */
  private static String testName(Path folder, Path file) {
    String name = folder.relativize(file).toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static Path workingDir() {
    return Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
  }
}
