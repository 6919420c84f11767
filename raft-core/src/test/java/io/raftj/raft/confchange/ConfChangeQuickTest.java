package io.raftj.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChangeType;
import io.raftj.raft.tracker.internal.ProgressTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Property test: applying random changes one at a time as simple changes, or all at once through a
 * joint configuration that is then left, gives the same configuration. Ports the intent of {@code
 * TestConfChangeQuick} in etcd's {@code confchange/quick_test.go}.
 */
final class ConfChangeQuickTest {

  private static final long SEED = 0x5eed_c0f1_9c4aL;
  private static final int RUNS = 2_000;
  private static final long LAST_INDEX = 10;

  @Test
  void confChangeQuick() {
    Random rnd = new Random(SEED);
    for (int run = 0; run < RUNS; run++) {
      List<ConfChangeSingle> setup = initialChanges(rnd);
      List<ConfChangeSingle> ccs = confChanges(rnd);
      int runNo = run;
      Supplier<String> context =
          () ->
              String.format(
                  "seed %d run %d%nsetup: %s%nchanges: %s",
                  SEED, runNo, Changer.describe(setup), Changer.describe(ccs));

      ProgressTracker simple = newTracker(setup);
      runWithSimple(simple, ccs);
      ProgressTracker joint = newTracker(setup);
      runWithJoint(joint, ccs, context);

      assertThat(joint.config().toString()).as(context).isEqualTo(simple.config().toString());
      assertThat(joint.progress().toString()).as(context).isEqualTo(simple.progress().toString());
    }
  }

  private static ProgressTracker newTracker(List<ConfChangeSingle> setup) {
    ProgressTracker tr = new ProgressTracker(10, 0);
    runWithSimple(tr, setup);
    return tr;
  }

  private static void runWithSimple(ProgressTracker tr, List<ConfChangeSingle> ccs) {
    for (ConfChangeSingle cc : ccs) {
      install(tr, new Changer(tr, LAST_INDEX).simple(List.of(cc)));
    }
  }

  private static void runWithJoint(
      ProgressTracker tr, List<ConfChangeSingle> ccs, Supplier<String> context) {
    Changer c = new Changer(tr, LAST_INDEX);
    Changer.Result entered = c.enterJoint(false, ccs);
    // The autoLeave flag is carried through and changes nothing else.
    Changer.Result enteredAuto = c.enterJoint(true, ccs);
    assertThat(enteredAuto.config().autoLeave()).isTrue();
    assertThat(enteredAuto.config().toString())
        .as(context)
        .isEqualTo(entered.config() + " autoleave");
    assertThat(enteredAuto.progress().toString())
        .as(context)
        .isEqualTo(entered.progress().toString());

    install(tr, enteredAuto);
    Changer.Result leftAuto = new Changer(tr, LAST_INDEX).leaveJoint();
    install(tr, entered);
    Changer.Result left = new Changer(tr, LAST_INDEX).leaveJoint();
    assertThat(left.config().autoLeave()).isFalse();
    assertThat(leftAuto.config().toString()).as(context).isEqualTo(left.config().toString());
    assertThat(leftAuto.progress().toString()).as(context).isEqualTo(left.progress().toString());
    install(tr, left);
  }

  private static void install(ProgressTracker tr, Changer.Result r) {
    tr.setConfig(r.config());
    tr.setProgress(r.progress());
  }

  /**
   * Node 1 as a voter followed by up to five more voters among 1..5. Node 1 stays a voter
   * throughout, so that simple changes never run out of voters.
   */
  private static List<ConfChangeSingle> initialChanges(Random rnd) {
    List<ConfChangeSingle> ccs = new ArrayList<>();
    ccs.add(change(ConfChangeType.ConfChangeAddNode, 1));
    int n = 1 + rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      ccs.add(change(ConfChangeType.ConfChangeAddNode, 1 + rnd.nextInt(5)));
    }
    return ccs;
  }

  /** One to nine changes of any type to nodes 2..10 (never node 1). */
  private static List<ConfChangeSingle> confChanges(Random rnd) {
    ConfChangeType[] types = ConfChangeType.values();
    List<ConfChangeSingle> ccs = new ArrayList<>();
    int n = 1 + rnd.nextInt(9);
    for (int i = 0; i < n; i++) {
      ConfChangeType type = types[rnd.nextInt(types.length)];
      ccs.add(change(type, 2 + rnd.nextInt(9)));
    }
    return ccs;
  }

  private static ConfChangeSingle change(ConfChangeType type, long id) {
    return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
  }
}
