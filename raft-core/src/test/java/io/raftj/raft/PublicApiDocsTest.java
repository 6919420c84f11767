package io.raftj.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public type, constructor, method and field of the published modules (raft-core, raft-wal,
 * raft-storage, raft-server) has a Javadoc comment, except overrides, which inherit theirs. The
 * Javadoc build runs doclint without its "missing" group (which would also want {@code @param} and
 * {@code @return} on every accessor); this is the part of it we hold to.
 */
final class PublicApiDocsTest {

  static final List<String> PUBLISHED =
      List.of("raft-core", "raft-wal", "raft-storage", "raft-server");

  @Test
  void everyPublicMemberHasAComment() throws IOException {
    Path root = repoRoot();
    List<Path> sources = new ArrayList<>();
    for (String module : PUBLISHED) {
      try (Stream<Path> s = Files.walk(root.resolve(module).resolve("src/main/java"))) {
        s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(sources::add);
      }
    }
    assertThat(sources).isNotEmpty();
    assertThat(undocumented(sources)).as("public members without a Javadoc comment").isEmpty();
  }

  @Test
  void finderReportsWhatLacksAComment(@TempDir Path dir) throws IOException {
    Path src = dir.resolve("A.java");
    Files.writeString(
        src,
        String.join(
            "\n",
            "/** A. */",
            "public class A implements Runnable {",
            "  /** Documented. */",
            "  public void documented() {}",
            "  public void bare() {}",
            "  public int field;",
            "  void packagePrivate() {}",
            "  @Override public void run() {}",
            "  private static class Hidden { public void fine() {} }",
            "}",
            ""));
    assertThat(undocumented(List.of(src))).containsExactly("A.java:5 bare", "A.java:6 field");
  }

  static List<String> undocumented(List<Path> sources) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> out = new ArrayList<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
      JavacTask task =
          (JavacTask)
              javac.getTask(
                  null,
                  fm,
                  d -> {},
                  List.of("-proc:none"),
                  null,
                  fm.getJavaFileObjectsFromPaths(sources));
      DocTrees docs = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        new Scanner(unit, docs, out).scan(unit, null);
      }
    }
    return out;
  }

  /** Walks the public API of one file: public members of public (or interface) types. */
  private static final class Scanner extends TreePathScanner<Void, Void> {
    private final CompilationUnitTree unit;
    private final DocTrees docs;
    private final List<String> out;
    private final List<Boolean> inInterface = new ArrayList<>();

    Scanner(CompilationUnitTree unit, DocTrees docs, List<String> out) {
      this.unit = unit;
      this.docs = docs;
      this.out = out;
    }

    @Override
    public Void visitClass(ClassTree t, Void v) {
      if (!visible(t.getModifiers())) {
        return null; // nothing inside a hidden type is public API
      }
      check(t, t.getSimpleName().toString());
      boolean iface =
          t.getKind() == Tree.Kind.INTERFACE || t.getKind() == Tree.Kind.ANNOTATION_TYPE;
      inInterface.add(iface);
      try {
        return super.visitClass(t, v);
      } finally {
        inInterface.remove(inInterface.size() - 1);
      }
    }

    @Override
    public Void visitMethod(MethodTree t, Void v) {
      if (visible(t.getModifiers()) && !overrides(t.getModifiers())) {
        check(t, t.getName().toString());
      }
      return null;
    }

    @Override
    public Void visitVariable(VariableTree t, Void v) {
      if (getCurrentPath().getParentPath().getLeaf() instanceof ClassTree
          && visible(t.getModifiers())) {
        check(t, t.getName().toString());
      }
      return null;
    }

    private boolean visible(ModifiersTree m) {
      Set<Modifier> flags = m.getFlags();
      if (flags.contains(Modifier.PRIVATE)) {
        return false;
      }
      boolean iface = !inInterface.isEmpty() && inInterface.get(inInterface.size() - 1);
      return iface || flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED);
    }

    private static boolean overrides(ModifiersTree m) {
      return m.getAnnotations().stream()
          .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
    }

    private void check(Tree t, String name) {
      TreePath path = new TreePath(getCurrentPath(), t);
      if (docs.getDocCommentTree(path) == null) {
        long line =
            unit.getLineMap().getLineNumber(docs.getSourcePositions().getStartPosition(unit, t));
        String file = Path.of(unit.getSourceFile().toUri()).getFileName().toString();
        out.add(file + ":" + line + " " + name);
      }
    }
  }

  /** The repository root: the folder above the working directory that holds the modules. */
  static Path repoRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("raft-storage"))) {
      p = p.getParent();
    }
    assertThat(p).as("the repository root above %s", System.getProperty("user.dir")).isNotNull();
    return p;
  }
}
