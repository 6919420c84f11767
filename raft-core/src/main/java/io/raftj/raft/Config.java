package io.raftj.raft;

import io.raftj.raft.internal.Messages;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The parameters to start a Raft node. Mirrors {@code Config} in etcd's {@code raft.go}, field for
 * field, with etcd's defaults (the zero values) and etcd's validation texts.
 *
 * <p>Mutable, with chaining setters: {@code new Config().setId(1).setElectionTick(10)...}. As in
 * etcd, {@link #validate()} writes defaults back into the instance. Not thread-safe; a Config is
 * read once, when the node is created.
 *
 * <p>Two size units: {@link #maxSizePerMsg()} and {@link #maxCommittedSizePerReady()} count encoded
 * entry bytes; {@link #maxInflightBytes()} and {@link #maxUncommittedEntriesSize()} count payload
 * bytes only. {@link RaftConstants#NO_LIMIT} means unlimited.
 */
public final class Config {

  private long id;
  private int electionTick;
  private int heartbeatTick;
  private @Nullable Storage storage;
  private long applied;
  private boolean asyncStorageWrites;
  private long maxSizePerMsg;
  private long maxCommittedSizePerReady;
  private long maxUncommittedEntriesSize;
  private int maxInflightMsgs;
  private long maxInflightBytes;
  private boolean checkQuorum;
  private boolean preVote;
  private ReadOnlyOption readOnlyOption = ReadOnlyOption.READ_ONLY_SAFE;
  private @Nullable RaftLogger logger;
  private boolean disableProposalForwarding;
  private boolean disableConfChangeValidation;
  private boolean stepDownOnRemoval;
  private @Nullable TraceLogger traceLogger;
  private @Nullable RandomGenerator random;

  /** The election timeout of {@link #defaults}, in ticks: etcd's 1000 ms over 100 ms ticks. */
  public static final int DEFAULT_ELECTION_TICK = 10;

  /** The heartbeat interval of {@link #defaults}, in ticks: one tick, as etcd's server uses. */
  public static final int DEFAULT_HEARTBEAT_TICK = 1;

  /** The MsgApp size budget of {@link #defaults}: 1 MiB of encoded entries, etcd's server value. */
  public static final long DEFAULT_MAX_SIZE_PER_MSG = 1024 * 1024;

  /** The in-flight MsgApp limit of {@link #defaults}: 512, etcd's server value (4096 / 8). */
  public static final int DEFAULT_MAX_INFLIGHT_MSGS = 4096 / 8;

  /**
   * An empty configuration, with etcd's zero values: set at least id, ticks, storage and
   * maxInflightMsgs, or start from {@link #defaults(long)}.
   */
  public Config() {}

  /**
   * A configuration with the values etcd's server runs raft with ({@code raftConfig} in {@code
   * server/etcdserver/bootstrap.go}): {@link #DEFAULT_ELECTION_TICK} and {@link
   * #DEFAULT_HEARTBEAT_TICK} (drive {@link RawNode#tick()} every 100 ms to get etcd's one-second
   * election timeout), {@link #DEFAULT_MAX_SIZE_PER_MSG}, {@link #DEFAULT_MAX_INFLIGHT_MSGS},
   * check-quorum and pre-vote on (etcd's {@code --pre-vote} default). Everything else keeps etcd's
   * zero value: unlimited uncommitted size and inflight bytes, safe read-index reads, proposal
   * forwarding on, synchronous storage writes. Only the storage remains to be set.
   *
   * @param id the local node's ID, neither 0 nor a local thread target
   * @return a new, mutable configuration
   */
  public static Config defaults(long id) {
    return new Config()
        .setId(id)
        .setElectionTick(DEFAULT_ELECTION_TICK)
        .setHeartbeatTick(DEFAULT_HEARTBEAT_TICK)
        .setMaxSizePerMsg(DEFAULT_MAX_SIZE_PER_MSG)
        .setMaxInflightMsgs(DEFAULT_MAX_INFLIGHT_MSGS)
        .setCheckQuorum(true)
        .setPreVote(true);
  }

  /**
   * Checks the configuration and fills in defaults: an unlimited uncommitted size and inflight
   * bytes when zero, maxCommittedSizePerReady = maxSizePerMsg when zero, the default logger.
   *
   * @throws IllegalArgumentException with etcd's text when a parameter is invalid
   */
  public void validate() {
    if (id == RaftConstants.NONE) {
      throw new IllegalArgumentException("cannot use none as id");
    }
    if (Messages.isLocalMsgTarget(id)) {
      throw new IllegalArgumentException("cannot use local target as id");
    }
    if (heartbeatTick <= 0) {
      throw new IllegalArgumentException("heartbeat tick must be greater than 0");
    }
    if (electionTick <= heartbeatTick) {
      throw new IllegalArgumentException("election tick must be greater than heartbeat tick");
    }
    if (storage == null) {
      throw new IllegalArgumentException("storage cannot be nil");
    }
    if (maxUncommittedEntriesSize == 0) {
      maxUncommittedEntriesSize = RaftConstants.NO_LIMIT;
    }
    if (maxCommittedSizePerReady == 0) {
      maxCommittedSizePerReady = maxSizePerMsg;
    }
    if (maxInflightMsgs <= 0) {
      throw new IllegalArgumentException("max inflight messages must be greater than 0");
    }
    if (maxInflightBytes == 0) {
      maxInflightBytes = RaftConstants.NO_LIMIT;
    } else if (Long.compareUnsigned(maxInflightBytes, maxSizePerMsg) < 0) {
      throw new IllegalArgumentException("max inflight bytes must be >= max message size");
    }
    if (logger == null) {
      logger = RaftLogger.defaultLogger();
    }
    if (readOnlyOption == ReadOnlyOption.READ_ONLY_LEASE_BASED && !checkQuorum) {
      throw new IllegalArgumentException(
          "CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased");
    }
  }

  /** The identity of the local node; neither 0 nor a local thread target. */
  public long id() {
    return id;
  }

  /**
   * Sets {@link #id()}.
   *
   * @param id the new value
   * @return this configuration
   */
  public Config setId(long id) {
    this.id = id;
    return this;
  }

  /**
   * Ticks without hearing from a leader before a follower campaigns; the actual timeout is
   * randomized in [electionTick, 2*electionTick-1]. Must exceed heartbeatTick (10x is typical).
   */
  public int electionTick() {
    return electionTick;
  }

  /**
   * Sets {@link #electionTick()}.
   *
   * @param electionTick the new value
   * @return this configuration
   */
  public Config setElectionTick(int electionTick) {
    this.electionTick = electionTick;
    return this;
  }

  /** Ticks between the leader's heartbeats. */
  public int heartbeatTick() {
    return heartbeatTick;
  }

  /**
   * Sets {@link #heartbeatTick()}.
   *
   * @param heartbeatTick the new value
   * @return this configuration
   */
  public Config setHeartbeatTick(int heartbeatTick) {
    this.heartbeatTick = heartbeatTick;
    return this;
  }

  /** The storage holding the persisted log, hard state and snapshot. Required. */
  public @Nullable Storage storage() {
    return storage;
  }

  /**
   * Sets {@link #storage()}.
   *
   * @param storage the new value
   * @return this configuration
   */
  public Config setStorage(Storage storage) {
    this.storage = storage;
    return this;
  }

  /**
   * The last applied index when restarting; entries up to it are not handed out again. Zero means
   * the snapshot index.
   */
  public long applied() {
    return applied;
  }

  /**
   * Sets {@link #applied()}.
   *
   * @param applied the new value
   * @return this configuration
   */
  public Config setApplied(long applied) {
    this.applied = applied;
    return this;
  }

  /**
   * Whether the host persists and applies through MsgStorageAppend/MsgStorageApply messages in
   * Ready.messages instead of calling advance.
   */
  public boolean asyncStorageWrites() {
    return asyncStorageWrites;
  }

  /**
   * Sets {@link #asyncStorageWrites()}.
   *
   * @param asyncStorageWrites the new value
   * @return this configuration
   */
  public Config setAsyncStorageWrites(boolean asyncStorageWrites) {
    this.asyncStorageWrites = asyncStorageWrites;
    return this;
  }

  /**
   * Encoded-size budget of the entries in one MsgApp (the first entry always goes); 0 means one
   * entry per message.
   */
  public long maxSizePerMsg() {
    return maxSizePerMsg;
  }

  /**
   * Sets {@link #maxSizePerMsg()}.
   *
   * @param maxSizePerMsg the new value
   * @return this configuration
   */
  public Config setMaxSizePerMsg(long maxSizePerMsg) {
    this.maxSizePerMsg = maxSizePerMsg;
    return this;
  }

  /**
   * Encoded-size budget of committed entries handed out and not yet applied; 0 means maxSizePerMsg.
   */
  public long maxCommittedSizePerReady() {
    return maxCommittedSizePerReady;
  }

  /**
   * Sets {@link #maxCommittedSizePerReady()}.
   *
   * @param maxCommittedSizePerReady the new value
   * @return this configuration
   */
  public Config setMaxCommittedSizePerReady(long maxCommittedSizePerReady) {
    this.maxCommittedSizePerReady = maxCommittedSizePerReady;
    return this;
  }

  /**
   * The leader's payload-size budget for its uncommitted log tail; proposals beyond it are dropped.
   * 0 means unlimited.
   */
  public long maxUncommittedEntriesSize() {
    return maxUncommittedEntriesSize;
  }

  /**
   * Sets {@link #maxUncommittedEntriesSize()}.
   *
   * @param maxUncommittedEntriesSize the new value
   * @return this configuration
   */
  public Config setMaxUncommittedEntriesSize(long maxUncommittedEntriesSize) {
    this.maxUncommittedEntriesSize = maxUncommittedEntriesSize;
    return this;
  }

  /** Maximum in-flight MsgApp per follower in StateReplicate; must be positive. */
  public int maxInflightMsgs() {
    return maxInflightMsgs;
  }

  /**
   * Sets {@link #maxInflightMsgs()}.
   *
   * @param maxInflightMsgs the new value
   * @return this configuration
   */
  public Config setMaxInflightMsgs(int maxInflightMsgs) {
    this.maxInflightMsgs = maxInflightMsgs;
    return this;
  }

  /**
   * Maximum in-flight payload bytes per follower (a soft limit); 0 means unlimited, otherwise at
   * least maxSizePerMsg.
   */
  public long maxInflightBytes() {
    return maxInflightBytes;
  }

  /**
   * Sets {@link #maxInflightBytes()}.
   *
   * @param maxInflightBytes the new value
   * @return this configuration
   */
  public Config setMaxInflightBytes(long maxInflightBytes) {
    this.maxInflightBytes = maxInflightBytes;
    return this;
  }

  /**
   * Whether the leader steps down when a quorum was not active during an election timeout; also
   * enables the vote-rejection lease.
   */
  public boolean checkQuorum() {
    return checkQuorum;
  }

  /**
   * Sets {@link #checkQuorum()}.
   *
   * @param checkQuorum the new value
   * @return this configuration
   */
  public Config setCheckQuorum(boolean checkQuorum) {
    this.checkQuorum = checkQuorum;
    return this;
  }

  /** Whether elections run the Pre-Vote phase first (thesis §9.6). */
  public boolean preVote() {
    return preVote;
  }

  /**
   * Sets {@link #preVote()}.
   *
   * @param preVote the new value
   * @return this configuration
   */
  public Config setPreVote(boolean preVote) {
    this.preVote = preVote;
    return this;
  }

  /** How read-index requests are served; lease-based requires checkQuorum. */
  public ReadOnlyOption readOnlyOption() {
    return readOnlyOption;
  }

  /**
   * Sets {@link #readOnlyOption()}.
   *
   * @param readOnlyOption the new value
   * @return this configuration
   */
  public Config setReadOnlyOption(ReadOnlyOption readOnlyOption) {
    this.readOnlyOption = readOnlyOption;
    return this;
  }

  /** The logger; null means {@link RaftLogger#defaultLogger()}. */
  public @Nullable RaftLogger logger() {
    return logger;
  }

  /**
   * Sets {@link #logger()}.
   *
   * @param logger the new value
   * @return this configuration
   */
  public Config setLogger(RaftLogger logger) {
    this.logger = logger;
    return this;
  }

  /** Whether followers drop proposals instead of forwarding them to the leader. */
  public boolean disableProposalForwarding() {
    return disableProposalForwarding;
  }

  /**
   * Sets {@link #disableProposalForwarding()}.
   *
   * @param disableProposalForwarding the new value
   * @return this configuration
   */
  public Config setDisableProposalForwarding(boolean disableProposalForwarding) {
    this.disableProposalForwarding = disableProposalForwarding;
    return this;
  }

  /**
   * Whether the leader skips its propose-time conf-change checks; only safe when a layer above
   * serializes conf changes.
   */
  public boolean disableConfChangeValidation() {
    return disableConfChangeValidation;
  }

  /**
   * Sets {@link #disableConfChangeValidation()}.
   *
   * @param disableConfChangeValidation the new value
   * @return this configuration
   */
  public Config setDisableConfChangeValidation(boolean disableConfChangeValidation) {
    this.disableConfChangeValidation = disableConfChangeValidation;
    return this;
  }

  /** Whether a leader removed or demoted by an applied conf change steps down. */
  public boolean stepDownOnRemoval() {
    return stepDownOnRemoval;
  }

  /**
   * Sets {@link #stepDownOnRemoval()}.
   *
   * @param stepDownOnRemoval the new value
   * @return this configuration
   */
  public Config setStepDownOnRemoval(boolean stepDownOnRemoval) {
    this.stepDownOnRemoval = stepDownOnRemoval;
    return this;
  }

  /** The receiver of state-machine events; null for none. */
  public @Nullable TraceLogger traceLogger() {
    return traceLogger;
  }

  /**
   * Sets {@link #traceLogger()}.
   *
   * @param traceLogger the new value
   * @return this configuration
   */
  public Config setTraceLogger(TraceLogger traceLogger) {
    this.traceLogger = traceLogger;
    return this;
  }

  /**
   * The source of the election-timeout jitter; null means a thread-local random. Set a seeded
   * generator for reproducible runs. Used only by the thread that drives the node.
   */
  public @Nullable RandomGenerator random() {
    return random;
  }

  /**
   * Sets {@link #random()}.
   *
   * @param random the new value
   * @return this configuration
   */
  public Config setRandom(RandomGenerator random) {
    this.random = random;
    return this;
  }
}
