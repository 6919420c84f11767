package io.raftj.raft.rafttest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every interaction script, the project's and etcd's, writes each logged value on one line, as etcd
 * does: an argument (a protobuf message above all) that renders across lines would make raftj's
 * output differ from Go's wherever such a line is logged, even in scripts that do not pin that line
 * yet.
 */
final class OneLineValuesTest {

  @TestFactory
  Stream<DynamicTest> interactionScripts_logEveryValueOnOneLine() {
    List<Path> folders = new ArrayList<>();
    folders.add(ScriptFolders.ownScriptsDir().resolve(ScriptKinds.INTERACTION));
    Path etcd = ScriptFolders.conformanceDir();
    if (etcd != null) {
      folders.add(etcd.resolve("testdata"));
    }
    return folders.stream()
        .filter(Files::isDirectory)
        .flatMap(folder -> DataDriven.walk(folder).stream())
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    file.toUri(),
                    () -> {
                      InteractionEnv env = new InteractionEnv();
                      DataDriven.run(file, env::handle);
                      assertThat(env.output().brokenLines()).as(file.toString()).isEmpty();
                    }));
  }

  @Test
  void brokenLines_argumentWithALineBreak_isReported() {
    RedirectLogger log = new RedirectLogger();
    log.infof("one %s line\n", "logical");
    log.warningf("value %v", List.of("a\nb"));
    assertThat(log.brokenLines()).containsExactly("value [a\nb]");
  }
}
