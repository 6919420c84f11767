package io.raftj.raft.rafttest;

import com.google.protobuf.ByteString;
import io.raftj.raft.internal.Describe;
import io.raftj.raft.internal.EntryFormatter;
import io.raftj.raft.internal.GoFormat;
import io.raftj.raft.raftpb.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Drives the members of a raft group through etcd's data-driven interaction scripts: each script
 * command ({@code add-nodes}, {@code campaign}, {@code stabilize}, ...) runs against the nodes, and
 * the result is the text the command printed, raft's log lines included. Mirrors {@code
 * InteractionEnv} in etcd's {@code rafttest/interaction_env.go} and {@code
 * interaction_env_handler.go}; the output of etcd's commands is byte for byte etcd's.
 *
 * <p>Messages the nodes send are not delivered automatically: they wait in one in-flight queue
 * ({@link #messages()}) until a command delivers or drops them. Use one env per script file. The
 * public methods are the commands' operations, for tests that drive the env from Java. Not
 * thread-safe.
 *
 * <p>Commands beyond etcd's (documented extensions that leave etcd's output unchanged): {@code
 * read-index}, {@code tick}, {@code report-snapshot}, and extra {@code add-nodes} options.
 */
public final class InteractionEnv {

  /** The payload formatter of every description: Go's {@code %q}. */
  static final EntryFormatter ENTRY_FORMATTER = EntryFormatter.DEFAULT;

  final InteractionOpts options;

  /** The error a command this environment does not know gets, as in etcd's harness. */
  static final String UNKNOWN_COMMAND = "unknown command";

  final List<InteractionNode> nodes = new ArrayList<>();

  /** The in-flight messages, in the order they were sent. */
  List<Message> messages = new ArrayList<>();

  final RedirectLogger output = new RedirectLogger();

  /** An empty environment with the given options. */
  public InteractionEnv(InteractionOpts options) {
    this.options = options == null ? InteractionOpts.defaults() : options;
  }

  /** An empty environment with default options. */
  public InteractionEnv() {
    this(null);
  }

  /** The nodes in creation order; node {@code i} has ID {@code i + 1}. */
  public List<InteractionNode> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** The node at position {@code idx} (node ID {@code idx + 1}). */
  public InteractionNode node(int idx) {
    return nodes.get(idx);
  }

  /** The in-flight messages, oldest first (a snapshot of the queue). */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The output sink, also every node's raft logger. */
  public RedirectLogger output() {
    return output;
  }

  /**
   * Runs one script command and returns its output: {@code ok} when it printed nothing, the error
   * text appended to the output when it failed (under log level {@code NONE}, the error text
   * alone).
   *
   * @throws DataDrivenException when the command is malformed (Go: {@code t.Fatal})
   * @throws IllegalStateException when a raft invariant breaks (Go: a panic)
   */
  public String handle(TestData d) {
    output.reset();
    try {
      dispatch(d);
    } catch (RuntimeException e) {
      if (!isRaftError(e)) {
        throw e;
      }
      return error(e.getMessage());
    }
    return output.length() == 0 ? "ok" : output.toString();
  }

  private String error(String text) {
    if (output.quiet()) {
      return text;
    }
    output.write(text);
    return output.length() == 0 ? "ok" : output.toString();
  }

  /**
   * Errors raft or the harness return to a caller (Go's error values), as opposed to broken
   * invariants (Go's panics) and malformed scripts.
   */
  static boolean isRaftError(RuntimeException e) {
    return e instanceof io.raftj.raft.ProposalDroppedException
        || e instanceof io.raftj.raft.StepPeerNotFoundException
        || e instanceof io.raftj.raft.StorageException
        || e instanceof InteractionException
        || e instanceof IllegalArgumentException;
  }

  private void dispatch(TestData d) {
    switch (d.cmd()) {
      case "_breakpoint" -> {}
      case "add-nodes" -> AddNodes.handle(this, d);
      case "campaign" -> NodeCommands.campaign(this, d);
      case "compact" -> RaftLogCommands.handleCompact(this, d);
      case "deliver-msgs" -> DeliverMsgs.handle(this, d);
      case "process-ready" -> ProcessReady.handle(this, d);
      case "process-append-thread" -> ProcessAppendThread.handle(this, d);
      case "process-apply-thread" -> ProcessApplyThread.handle(this, d);
      case "log-level" -> output.setLevel(d.cmdArgs().get(0).key());
      case "raft-log" -> raftLog(firstNodeIdx(d));
      case "raft-state" -> StatusCommands.raftState(this);
      case "set-randomized-election-timeout" -> NodeCommands.setRandomizedElectionTimeout(this, d);
      case "stabilize" -> Stabilize.handle(this, d);
      case "status" -> status(firstNodeIdx(d));
      case "tick-election" -> NodeCommands.tickElection(this, d);
      case "tick-heartbeat" -> NodeCommands.tickHeartbeat(this, d);
      case "transfer-leadership" -> NodeCommands.transferLeadership(this, d);
      case "forget-leader" -> forgetLeader(firstNodeIdx(d));
      case "send-snapshot" -> SendSnapshot.handle(this, d);
      case "propose" -> ProposeCommands.propose(this, d);
      case "propose-conf-change" -> ProposeCommands.proposeConfChange(this, d);
      case "report-unreachable" -> NodeCommands.reportUnreachable(this, d);
      // Extensions.
      case "read-index" -> ProposeCommands.readIndex(this, d);
      case "tick" -> NodeCommands.tick(this, d);
      case "report-snapshot" -> NodeCommands.reportSnapshot(this, d);
      default -> throw new InteractionException(UNKNOWN_COMMAND);
    }
  }

  // ---- operations, for tests that drive the env from Java ----

  /** Campaigns the node at {@code idx}. */
  public void campaign(int idx) {
    nodes.get(idx).rawNode().campaign();
  }

  /** Ticks the node at {@code idx} {@code num} times. */
  public void tick(int idx, int num) {
    for (int i = 0; i < num; i++) {
      nodes.get(idx).rawNode().tick();
    }
  }

  /** Makes the node at {@code idx} forget its leader. */
  public void forgetLeader(int idx) {
    nodes.get(idx).rawNode().forgetLeader();
  }

  /** Proposes a normal entry on the node at {@code idx}. */
  public void propose(int idx, ByteString data) {
    nodes.get(idx).rawNode().propose(data);
  }

  /** Asks the node at {@code from - 1} to transfer leadership to {@code to}. */
  public void transferLeadership(long from, long to) {
    nodes.get((int) (from - 1)).rawNode().transferLeader(to);
  }

  /** Compacts the log of the node at {@code idx} and prints it. */
  public void compact(int idx, long newFirstIndex) {
    RaftLogCommands.compact(this, idx, newFirstIndex);
  }

  /** Prints the log in the storage of the node at {@code idx}. */
  public void raftLog(int idx) {
    RaftLogCommands.raftLog(this, idx);
  }

  /** Prints the progress of every peer as the node at {@code idx} (a leader) sees it. */
  public void status(int idx) {
    StatusCommands.status(this, idx);
  }

  /** Handles one Ready of the node at {@code idx}. */
  public void processReady(int idx) {
    ProcessReady.processReady(this, idx);
  }

  /** Runs one work item of the append thread of the node at {@code idx}. */
  public void processAppendThread(int idx) {
    ProcessAppendThread.processAppendThread(this, idx);
  }

  /** Runs one work item of the apply thread of the node at {@code idx}. */
  public void processApplyThread(int idx) {
    ProcessApplyThread.processApplyThread(this, idx);
  }

  /**
   * Delivers or drops the queued messages of type {@code type} (null for all) for each recipient in
   * turn, and returns how many were handled.
   */
  public int deliverMsgs(io.raftj.raft.raftpb.MessageType type, List<Recipient> recipients) {
    return DeliverMsgs.deliverMsgs(this, type, recipients);
  }

  /**
   * Handles Readies, delivers messages and runs the storage threads of the given nodes (all nodes
   * when none are given) until nothing is left to do.
   */
  public void stabilize(int... idxs) {
    Stabilize.stabilize(this, idxs);
  }

  // ---- helpers shared by the commands ----

  /**
   * Runs {@code body} with its output captured and re-emitted two spaces in, line by line (a final
   * unterminated line gains a newline).
   */
  void withIndent(Runnable body) {
    StringBuilder orig = output.swap();
    try {
      body.run();
    } finally {
      String captured = output.restore(orig).toString();
      int start = 0;
      int n = captured.length();
      while (start < n) {
        int end = captured.indexOf('\n', start);
        if (end < 0) {
          end = n;
        }
        orig.append("  ").append(captured, start, end).append('\n');
        start = end + 1;
      }
    }
  }

  /**
   * Runs {@code action} on each node named by the bare-integer arguments. With several nodes, each
   * block gets a {@code > <id> <header>} line and is indented; with one, neither.
   */
  void forEachNode(TestData d, String header, IntConsumer action) {
    int[] idxs = nodeIdxsOf(d);
    for (int idx : idxs) {
      if (idxs.length > 1) {
        output.writef("> %d %s\n", idx + 1, header);
        withIndent(() -> action.accept(idx));
      } else {
        action.accept(idx);
      }
    }
  }

  /**
   * Performs the oldest work item of a storage thread: prints it (without its responses), runs
   * {@code perform} on it, then prints and queues the responses. Prints {@code noWork} when the
   * queue is empty.
   */
  void processWork(Deque<Message> work, String noWork, Consumer<Message> perform) {
    Message m = work.pollFirst();
    if (m == null) {
      output.write(noWork);
      return;
    }
    List<Message> resps = m.getResponsesList();
    output.write("Processing:\n");
    output.write(Describe.describeMessage(m.toBuilder().clearResponses().build(), ENTRY_FORMATTER));
    output.write("\n");
    perform.accept(m);
    output.write("Responses:\n");
    for (Message resp : resps) {
      output.write(Describe.describeMessage(resp, ENTRY_FORMATTER));
      output.write("\n");
    }
    messages.addAll(resps);
  }

  /** The first argument as an int (a count or a node ID). */
  static int firstAsInt(TestData d) {
    if (d.cmdArgs().isEmpty()) {
      throw fatal(d, "missing argument");
    }
    return parseInt(d, d.cmdArgs().get(0).key());
  }

  /** The first argument, a node ID, as a node index. */
  static int firstAsNodeIdx(TestData d) {
    return firstAsInt(d) - 1;
  }

  /** The first argument, a node ID, as the index of a node that exists. */
  int firstNodeIdx(TestData d) {
    return checkNode(d, firstAsNodeIdx(d));
  }

  /** The bare-integer arguments (node IDs) as indexes of nodes that exist, in order. */
  int[] nodeIdxsOf(TestData d) {
    int[] idxs = nodeIdxs(d);
    for (int idx : idxs) {
      checkNode(d, idx);
    }
    return idxs;
  }

  /**
   * {@code idx} if node {@code idx + 1} exists; otherwise the script is malformed, and the error
   * says so (etcd's harness would index past its node slice and panic).
   */
  int checkNode(TestData d, int idx) {
    if (idx < 0 || idx >= nodes.size()) {
      String have =
          nodes.isEmpty()
              ? "there are no nodes yet (add them with add-nodes)"
              : nodes.size() == 1
                  ? "there is 1 node (ID 1)"
                  : "there are " + nodes.size() + " nodes (IDs 1 to " + nodes.size() + ")";
      throw new DataDrivenException("no node " + (idx + 1) + ": " + have); // the runner adds where
    }
    return idx;
  }

  /** The bare-integer arguments (node IDs) as node indexes, in order. */
  static int[] nodeIdxs(TestData d) {
    List<CmdArg> args = d.cmdArgs();
    int[] idxs = new int[args.size()];
    int n = 0;
    for (CmdArg arg : args) {
      if (arg.vals().isEmpty()) {
        idxs[n++] = parseInt(d, arg.key()) - 1;
      }
    }
    return java.util.Arrays.copyOf(idxs, n);
  }

  static int parseInt(TestData d, String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw fatal(d, GoFormat.format("strconv.Atoi: parsing %q: invalid syntax", s));
    }
  }

  /** A malformed script: fails the test (Go: {@code t.Fatal}). */
  static DataDrivenException fatal(TestData d, String message) {
    return new DataDrivenException(d.pos() + ": " + message);
  }
}
