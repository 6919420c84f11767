package io.raftj.examples.kv.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short Jepsen-style run against three real server processes: 5 clients for 25 seconds under kill
 * -9, SIGSTOP and restarts; every key's history must be linearizable and no acknowledged write
 * lost. The seed is random unless {@code -Djepsen.seed=N}; it is printed, and the nodes' logs and
 * the history stay in {@code target/kv-jepsen/seed-N}. {@code bin/kv-jepsen} runs longer.
 */
@Tag("slow") // multi-process crash test: run by failsafe in mvn verify
final class KvJepsenTest {

  @Test
  @Timeout(150)
  void underKillsAndPauses_historyIsLinearizableAndNoAcknowledgedWriteIsLost() throws Exception {
    long seed = Long.getLong("jepsen.seed", new Random().nextLong());
    Path root = Path.of("target", "kv-jepsen", "seed-" + seed).toAbsolutePath();
    JepsenRun.Result r =
        new JepsenRun(new JepsenRun.Options(25_000, 5, 6, seed, root, false), System.out::println)
            .run();
    System.out.print(r.summary());
    assertThat(r.valid()).as(r.summary()).isTrue();
    // Not vacuous: faults happened, and the cluster acknowledged and served work around them.
    assertThat(r.faults()).as(r.summary()).isPositive();
    assertThat(r.counts().writesOk()).as(r.summary()).isGreaterThan(20);
    assertThat(r.counts().readsOk()).as(r.summary()).isGreaterThan(20);
  }
}
