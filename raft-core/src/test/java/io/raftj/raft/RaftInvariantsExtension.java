package io.raftj.raft;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, checks {@link RaftInvariants} on every Raft the test helpers saw, and fails the
 * test if one is broken. Registered for every test of this module by JUnit's extension
 * auto-detection ({@code META-INF/services} and {@code junit-platform.properties} in the test
 * resources). A test that failed already keeps its own failure; the check then only clears.
 */
public final class RaftInvariantsExtension implements AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) {
    List<Raft> rafts = RaftInvariants.drain();
    if (context.getExecutionException().isPresent()) {
      return;
    }
    List<String> broken = new ArrayList<>();
    for (Raft r : rafts) {
      broken.addAll(RaftInvariants.violations(r));
    }
    if (!broken.isEmpty()) {
      throw new AssertionError(
          "raft invariants broken after "
              + context.getDisplayName()
              + ":\n  "
              + String.join("\n  ", broken));
    }
  }
}
