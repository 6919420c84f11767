package io.raftj.raft.rafttest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One directive of a data-driven script: the command line, its input block and the expected output.
 * Mirrors {@code TestData} in cockroachdb/datadriven, which etcd's tests use.
 *
 * <p>The {@code scan*} helpers follow datadriven's {@code ScanArgs}: they read the first argument
 * named {@code key}, which must carry exactly one value, and throw {@link DataDrivenException} when
 * it is missing or does not parse.
 *
 * @param pos {@code file:line} of the directive, for messages
 * @param cmd the command, the first word of the directive line
 * @param cmdArgs the arguments in the order written, unmodifiable
 * @param input the lines between the directive and {@code ----}, joined with {@code \n} and trimmed
 * @param expected the expected output, each line followed by {@code \n}; empty when none
 */
public record TestData(
    String pos, String cmd, List<CmdArg> cmdArgs, String input, String expected) {

  /**
   * @throws NullPointerException if an argument is null
   */
  public TestData {
    Objects.requireNonNull(pos, "pos");
    Objects.requireNonNull(cmd, "cmd");
    cmdArgs = List.copyOf(cmdArgs);
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(expected, "expected");
  }

  /** Tells whether an argument named {@code key} is present. */
  public boolean hasArg(String key) {
    return argOrNull(key) != null;
  }

  /** The first argument named {@code key}, or null. */
  public CmdArg argOrNull(String key) {
    for (CmdArg arg : cmdArgs) {
      if (arg.key().equals(key)) {
        return arg;
      }
    }
    return null;
  }

  /** The first argument named {@code key}. @throws DataDrivenException if it is missing */
  public CmdArg arg(String key) {
    CmdArg arg = argOrNull(key);
    if (arg == null) {
      throw new DataDrivenException(pos + ": missing argument: " + key);
    }
    return arg;
  }

  /** The single value of {@code key}, as written. */
  public String scanString(String key) {
    return single(key).scanString(0);
  }

  /** The single value of {@code key} as a signed {@code long}. */
  public long scanLong(String key) {
    return single(key).scanLong(0);
  }

  /** The single value of {@code key} as an {@code int}. */
  public int scanInt(String key) {
    return single(key).scanInt(0);
  }

  /** The single value of {@code key} as an unsigned 64-bit number. */
  public long scanUint64(String key) {
    return single(key).scanUint64(0);
  }

  /** The single value of {@code key} as a boolean. */
  public boolean scanBool(String key) {
    return single(key).scanBool(0);
  }

  /** The single value of {@code key} as a boolean, or {@code otherwise} when it is absent. */
  public boolean scanBool(String key, boolean otherwise) {
    return hasArg(key) ? scanBool(key) : otherwise;
  }

  /** Every value of {@code key} (possibly none), as written. */
  public List<String> scanStrings(String key) {
    return arg(key).vals();
  }

  /** Every value of {@code key} as unsigned 64-bit numbers. */
  public long[] scanUint64s(String key) {
    CmdArg arg = arg(key);
    long[] out = new long[arg.vals().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = arg.scanUint64(i);
    }
    return out;
  }

  /** The command line as datadriven prints it: the command and its arguments. */
  public String directive() {
    List<String> parts = new ArrayList<>(cmdArgs.size() + 1);
    parts.add(cmd);
    for (CmdArg arg : cmdArgs) {
      parts.add(arg.toString());
    }
    return String.join(" ", parts);
  }

  private CmdArg single(String key) {
    CmdArg arg = arg(key);
    if (arg.vals().size() != 1) {
      throw new DataDrivenException(
          pos + ": " + key + ": got 1 destinations, but " + arg.vals().size() + " values");
    }
    return arg;
  }
}
