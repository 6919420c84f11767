package io.raftj.simulation;

import java.util.List;

/** A run that broke a property: its seed, its scenario, where it failed and what led there. */
public final class SimulationFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long seed;
  private final transient Scenario scenario;
  private final long step;
  private final String property;
  private final transient List<String> trace;

  SimulationFailure(
      long seed,
      Scenario scenario,
      long step,
      String property,
      Throwable cause,
      List<String> trace) {
    this(seed, scenario, step, property, cause, trace, "");
  }

  /** {@code replayFlags}: what {@code bin/raft-sim} needs besides the seed to build this world. */
  SimulationFailure(
      long seed,
      Scenario scenario,
      long step,
      String property,
      Throwable cause,
      List<String> trace,
      String replayFlags) {
    super(describe(seed, scenario, step, cause, trace, replayFlags), cause);
    this.seed = seed;
    this.scenario = scenario;
    this.step = step;
    this.property = property;
    this.trace = List.copyOf(trace);
  }

  private static String describe(
      long seed, Scenario sc, long step, Throwable cause, List<String> trace, String replayFlags) {
    StringBuilder sb = new StringBuilder();
    sb.append("seed ")
        .append(seed)
        .append(" failed at step ")
        .append(step)
        .append(": ")
        .append(cause)
        .append("\n  world: ")
        .append(sc)
        .append("\n  replay: bin/raft-sim --seed ")
        .append(seed)
        .append(replayFlags)
        .append(" --trace")
        .append("\n  last events:");
    for (String line : trace) {
      sb.append("\n    ").append(line);
    }
    return sb.toString();
  }

  public long seed() {
    return seed;
  }

  public Scenario scenario() {
    return scenario;
  }

  public long step() {
    return step;
  }

  /** The property broken (a {@link SafetyViolation}'s), or "crash" if the code under test threw. */
  public String property() {
    return property;
  }

  public List<String> trace() {
    return trace;
  }
}
