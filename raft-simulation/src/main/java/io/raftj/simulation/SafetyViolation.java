package io.raftj.simulation;

/** A safety, durability, linearizability or liveness property that a run broke. */
public final class SafetyViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The property's short name, e.g. {@code "election safety"}. */
  private final String property;

  public SafetyViolation(String property, String detail) {
    super(property + ": " + detail);
    this.property = property;
  }

  public String property() {
    return property;
  }
}
