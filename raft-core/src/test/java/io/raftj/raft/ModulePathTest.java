package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The other tests run on the classpath; this one starts a JVM with raft-core as the named module
 * {@code io.raftj.raft} on the module path, beside protobuf-java, slf4j-api and JSpecify, so that
 * the descriptor is exercised the way a modular application sees it: it resolves, exports what the
 * API needs and not the internals, and the harness (which finds its script kinds through {@code
 * ServiceLoader} and reflection) runs the project's own scripts.
 */
@Tag("slow")
final class ModulePathTest {

  private static final String MODULE = "io.raftj.raft";

  @Test
  void descriptorExportsTheApiOnly() throws Exception {
    String out = run("--describe-module", MODULE);
    assertThat(out.lines().map(String::strip))
        .contains(
            "exports io.raftj.raft",
            "exports io.raftj.raft.raftpb",
            "exports io.raftj.raft.tracker",
            "exports io.raftj.raft.rafttest",
            "qualified exports io.raftj.raft.internal to io.raftj.simulation",
            "contains io.raftj.raft.tracker.internal",
            "contains io.raftj.raft.quorum",
            "contains io.raftj.raft.confchange")
        .noneMatch(l -> l.startsWith("exports io.raftj.raft.internal"));
  }

  @Test
  void harnessRunsOnTheModulePath() throws Exception {
    Path resources = Path.of("src/test/resources").toAbsolutePath();
    String out =
        run(
            "-m",
            MODULE + "/io.raftj.raft.rafttest.ScriptRunner",
            resources.resolve("interaction").toString(),
            resources.resolve("quorum").toString(),
            resources.resolve("confchange").toString());
    assertThat(out).containsPattern("(?m)^[1-9][0-9]* passed, 0 failed$");
  }

  /** Runs {@code java -p <module path> args...} and returns its output; it must exit 0. */
  private static String run(String... args)
      throws IOException, InterruptedException, URISyntaxException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-p");
    cmd.add(
        String.join(
            File.pathSeparator,
            location(RawNode.class),
            location(com.google.protobuf.ByteString.class),
            location(org.slf4j.Logger.class),
            location(org.jspecify.annotations.Nullable.class)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("exit code of %s, output:%n%s", cmd, out).isZero();
    return out;
  }

  /** The directory or jar a class was loaded from. */
  private static String location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
