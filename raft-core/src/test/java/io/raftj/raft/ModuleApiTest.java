package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fences the API: the public top-level types of the packages each library module exports (in its
 * {@code module-info.java}, qualified exports aside) are exactly those listed in {@code
 * api/public-types.txt}. A new public type in an exported package fails here until it is added to
 * the list on purpose, made package-private, or moved to an {@code internal} package. Generated
 * protobuf classes are not listed.
 */
final class ModuleApiTest {

  static final List<String> MODULES =
      List.of(
          "raft-core",
          "raft-wal",
          "raft-storage",
          "raft-server",
          "raft-transport-grpc",
          "raft-simulation");

  private static final Pattern EXPORTS = Pattern.compile("exports\\s+([\\w.]+)\\s*;");
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*"
              + "(?:class|interface|enum|record|@interface)\\s+(\\w+)",
          Pattern.MULTILINE);

  @Test
  void publicTypesOfExportedPackagesAreTheListedOnes() throws IOException {
    Path root = PublicApiDocsTest.repoRoot();
    List<String> expected = new ArrayList<>();
    for (String line :
        Files.readAllLines(root.resolve("raft-core/src/test/resources/api/public-types.txt"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        expected.add(line.strip());
      }
    }
    List<String> actual = new ArrayList<>();
    for (String module : MODULES) {
      Path src = root.resolve(module).resolve("src/main/java");
      for (String pkg : exportedPackages(Files.readString(src.resolve("module-info.java")))) {
        actual.addAll(publicTypes(module, pkg, src.resolve(pkg.replace('.', '/'))));
      }
    }
    assertThat(actual)
        .as("public types in exported packages (update api/public-types.txt if intended)")
        .containsExactlyElementsOf(expected);
  }

  @Test
  void everyModuleExportsSomethingAndNoInternalPackage() throws IOException {
    Path root = PublicApiDocsTest.repoRoot();
    for (String module : MODULES) {
      List<String> pkgs =
          exportedPackages(
              Files.readString(root.resolve(module).resolve("src/main/java/module-info.java")));
      assertThat(pkgs).as(module).isNotEmpty().noneMatch(p -> p.endsWith(".internal"));
    }
  }

  @Test
  void readsOnlyUnqualifiedExports() {
    String info =
        String.join(
            "\n",
            "/** A module; exports x.y; in prose does not count. */",
            "module m {",
            "  requires transitive a;",
            "  exports p.q;",
            "  // exports commented.out;",
            "  exports p.internal to other.module;",
            "  exports r;",
            "}");
    assertThat(exportedPackages(info)).containsExactly("p.q", "r");
  }

  /** The packages {@code info} exports to everyone, in order. */
  static List<String> exportedPackages(String info) {
    String code = info.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    List<String> pkgs = new ArrayList<>();
    Matcher m = EXPORTS.matcher(code);
    while (m.find()) {
      pkgs.add(m.group(1));
    }
    return pkgs;
  }

  /** {@code "module package.Type"} for each public top-level type in {@code dir}, sorted. */
  private static List<String> publicTypes(String module, String pkg, Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = PUBLIC_TYPE.matcher(Files.readString(f));
        if (m.find()) {
          out.add(module + " " + pkg + "." + m.group(1));
        }
      }
    }
    return out;
  }
}
