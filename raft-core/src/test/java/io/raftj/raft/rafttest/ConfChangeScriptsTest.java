package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs our own {@code confchange} scripts from {@code src/test/resources/confchange}, one dynamic
 * test per file; {@code -Draft.rewrite=true} writes the actual output back instead.
 */
final class ConfChangeScriptsTest {

  private static final Path SCRIPTS = Path.of("src/test/resources/confchange");

  @Test
  void confchangeKind_isRegistered() {
    ScriptKind kind = ScriptKinds.lookup(ScriptKinds.CONFCHANGE);
    assertThat(kind).isInstanceOf(ConfChangeScripts.class);
    assertThat(kind.name()).isEqualTo("confchange");
    assertThat(ScriptKinds.kindOf(SCRIPTS.resolve("errors.txt"))).isEqualTo("confchange");
  }

  @TestFactory
  Stream<DynamicTest> ownScripts() {
    assertThat(Files.isDirectory(SCRIPTS)).as(SCRIPTS.toAbsolutePath().toString()).isTrue();
    List<Path> files = DataDriven.walk(SCRIPTS);
    assertThat(files).isNotEmpty();
    boolean rewrite = Boolean.getBoolean(DataDriven.REWRITE_PROPERTY);
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      Handler h = new ConfChangeScripts().newHandler();
                      RunResult r = rewrite ? DataDriven.rewrite(file, h) : DataDriven.run(file, h);
                      if (!rewrite) {
                        r.assertPassed();
                      }
                    }));
  }

  @Test
  void handler_stateIsPerFile() {
    String script = "simple\nv1\n----\nvoters=(1)\n1: StateProbe match=0 next=1\n";
    ScriptKind kind = new ConfChangeScripts();
    DataDriven.run("a.txt", script, kind.newHandler()).assertPassed();
    // A second file starts again from an empty tracker at last index 0.
    DataDriven.run("b.txt", script, kind.newHandler()).assertPassed();
  }
}
