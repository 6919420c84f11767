package io.raftj.raft.rafttest;

import java.util.List;
import java.util.Objects;

/**
 * One argument of a data-driven directive: {@code key} (no values), {@code key=} (one empty value),
 * {@code key=value} or {@code key=(v1, v2, ...)}. Mirrors {@code CmdArg} in cockroachdb/datadriven,
 * which etcd's tests use.
 *
 * <p>The {@code scan*} methods convert one value the way datadriven's {@code Scan} does and throw
 * {@link DataDrivenException} when it does not parse, which fails the script.
 *
 * @param key the name before {@code =}
 * @param vals the values, unmodifiable; empty for a bare key
 */
public record CmdArg(String key, List<String> vals) {

  /**
   * @throws NullPointerException if an argument is null
   */
  public CmdArg {
    Objects.requireNonNull(key, "key");
    vals = List.copyOf(vals);
  }

  /** The {@code i}th value as written. */
  public String scanString(int i) {
    return val(i);
  }

  /** The {@code i}th value as a signed decimal {@code long} (Go: {@code int64}). */
  public long scanLong(int i) {
    String v = val(i);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw invalid(i, "int64");
    }
  }

  /** The {@code i}th value as a signed decimal {@code int} (Go: {@code int}). */
  public int scanInt(int i) {
    String v = val(i);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw invalid(i, "int");
    }
  }

  /** The {@code i}th value as an unsigned decimal 64-bit number (Go: {@code uint64}). */
  public long scanUint64(int i) {
    String v = val(i);
    // parseUnsignedLong accepts a leading '+', Go's ParseUint does not.
    if (v.startsWith("+")) {
      throw invalid(i, "uint64");
    }
    try {
      return Long.parseUnsignedLong(v);
    } catch (NumberFormatException e) {
      throw invalid(i, "uint64");
    }
  }

  /** The {@code i}th value as a boolean, spelled as Go's {@code strconv.ParseBool} accepts. */
  public boolean scanBool(int i) {
    String v = val(i);
    switch (v) {
      case "1":
      case "t":
      case "T":
      case "TRUE":
      case "true":
      case "True":
        return true;
      case "0":
      case "f":
      case "F":
      case "FALSE":
      case "false":
      case "False":
        return false;
      default:
        throw invalid(i, "bool");
    }
  }

  /** Renders the argument as datadriven does: {@code key}, {@code key=v} or {@code key=(a, b)}. */
  @Override
  public String toString() {
    switch (vals.size()) {
      case 0:
        return key;
      case 1:
        return key + "=" + vals.get(0);
      default:
        return key + "=(" + String.join(", ", vals) + ")";
    }
  }

  private String val(int i) {
    if (i < 0 || i >= vals.size()) {
      throw new DataDrivenException(
          "cannot scan value " + i + " of argument " + this + ": it has " + vals.size());
    }
    return vals.get(i);
  }

  private DataDrivenException invalid(int i, String type) {
    return new DataDrivenException(
        "argument " + key + ": cannot parse \"" + vals.get(i) + "\" as " + type);
  }
}
