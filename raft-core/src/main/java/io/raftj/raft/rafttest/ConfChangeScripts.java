package io.raftj.raft.rafttest;

import io.raftj.raft.confchange.Changer;
import io.raftj.raft.confchange.ConfChangeException;
import io.raftj.raft.raftpb.ConfChangeSingle;
import io.raftj.raft.raftpb.ConfChanges;
import io.raftj.raft.tracker.internal.ProgressTracker;
import java.util.List;

/**
 * The {@code confchange} script kind: runs configuration changes through {@link Changer} and prints
 * the resulting configuration and progress map. Mirrors {@code TestConfChangeDataDriven} in etcd's
 * {@code confchange/datadriven_test.go}.
 *
 * <p>Commands: {@code simple} and {@code enter-joint [autoleave=<bool>]} apply the changes in their
 * input ({@code v<id>} voter, {@code l<id>} learner, {@code r<id>} remove, {@code u<id>} update);
 * {@code leave-joint} takes no input. A successful change is installed and printed as {@code
 * <config>\n<progress map>}; a refused one prints etcd's error and changes nothing. Each file
 * starts from an empty tracker (10 messages in flight, no byte limit) with last index 0, and every
 * directive, even a failed one, advances the last index that new progress starts from.
 */
public final class ConfChangeScripts implements ScriptKind {

  /** Creates the kind; registered with {@link ScriptKinds} as {@code confchange}. */
  public ConfChangeScripts() {}

  @Override
  public String name() {
    return ScriptKinds.CONFCHANGE;
  }

  @Override
  public Handler newHandler() {
    return new ConfChangeHandler();
  }

  private static final class ConfChangeHandler implements Handler {

    private final ProgressTracker tracker = new ProgressTracker(10, 0);
    private long lastIndex;

    @Override
    public String handle(TestData d) {
      try {
        return run(d);
      } finally {
        lastIndex++;
      }
    }

    private String run(TestData d) {
      List<ConfChangeSingle> ccs;
      try {
        ccs = ConfChanges.fromString(d.input());
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
      Changer changer = new Changer(tracker, lastIndex);
      Changer.Result result;
      try {
        switch (d.cmd()) {
          case "simple":
            result = changer.simple(ccs);
            break;
          case "enter-joint":
            boolean autoLeave = !d.cmdArgs().isEmpty() && d.scanBool("autoleave");
            result = changer.enterJoint(autoLeave, ccs);
            break;
          case "leave-joint":
            if (!ccs.isEmpty()) {
              return "this command takes no input\n";
            }
            result = changer.leaveJoint();
            break;
          default:
            return "unknown command";
        }
      } catch (ConfChangeException e) {
        return e.getMessage() + "\n";
      }
      tracker.setConfig(result.config());
      tracker.setProgress(result.progress());
      return result.config() + "\n" + result.progress();
    }
  }
}
