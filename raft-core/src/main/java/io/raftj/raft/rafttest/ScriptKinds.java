package io.raftj.raft.rafttest;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The registry of {@link ScriptKind}s by name, and the rule that picks a kind for a script from the
 * folder it lives in.
 *
 * <p>The built-in kinds are {@code quorum}, {@code confchange} and {@code interaction}. They are
 * looked up by class name ({@code io.raftj.raft.rafttest.QuorumScripts}, {@code
 * ...ConfChangeScripts}, {@code ...InteractionScripts}; each with a public no-argument
 * constructor), so each harness joins the registry when its class is on the class path, without
 * this class naming it at compile time. Further kinds come from {@link ServiceLoader} or {@link
 * #register}. Thread-safe.
 */
public final class ScriptKinds {

  /** The kind of etcd's {@code quorum/testdata} scripts. */
  public static final String QUORUM = "quorum";

  /** The kind of etcd's {@code confchange/testdata} scripts. */
  public static final String CONFCHANGE = "confchange";

  /** The kind of etcd's interaction scripts (its root {@code testdata} folder). */
  public static final String INTERACTION = "interaction";

  private static final String[][] BUILT_IN = {
    {QUORUM, "io.raftj.raft.rafttest.QuorumScripts"},
    {CONFCHANGE, "io.raftj.raft.rafttest.ConfChangeScripts"},
    {INTERACTION, "io.raftj.raft.rafttest.InteractionScripts"},
  };

  private static final Map<String, ScriptKind> KINDS = new TreeMap<>();

  static {
    for (String[] builtIn : BUILT_IN) {
      ScriptKind kind = instantiate(builtIn[1]);
      if (kind != null) {
        KINDS.put(builtIn[0], kind);
      }
    }
    for (ScriptKind kind : ServiceLoader.load(ScriptKind.class)) {
      KINDS.putIfAbsent(kind.name(), kind);
    }
  }

  private ScriptKinds() {}

  /** Adds or replaces the kind named {@code kind.name()}. */
  public static synchronized void register(ScriptKind kind) {
    KINDS.put(kind.name(), kind);
  }

  /** The kind named {@code name}, or null if none is registered. */
  public static synchronized ScriptKind lookup(String name) {
    return KINDS.get(name);
  }

  /**
   * The kind for a script, named by the nearest enclosing folder called {@code quorum}, {@code
   * confchange}, {@code interaction} or {@code testdata} (etcd's interaction scripts); null when
   * there is none.
   */
  public static String kindOf(Path script) {
    for (Path p = script.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
      Path fileName = p.getFileName();
      String name = fileName == null ? "" : fileName.toString();
      switch (name) {
        case QUORUM:
        case CONFCHANGE:
        case INTERACTION:
          return name;
        case "testdata":
          return INTERACTION;
        default:
          break;
      }
    }
    return null;
  }

  private static ScriptKind instantiate(String className) {
    Class<?> type;
    try {
      type = Class.forName(className);
    } catch (ClassNotFoundException e) {
      return null; // that harness is not part of this build
    }
    try {
      return (ScriptKind) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
      throw new IllegalStateException("cannot create script kind " + className, cause);
    }
  }
}
