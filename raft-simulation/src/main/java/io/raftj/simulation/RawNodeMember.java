package io.raftj.simulation;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftj.raft.Config;
import io.raftj.raft.Peer;
import io.raftj.raft.ProposalDroppedException;
import io.raftj.raft.RaftLogger;
import io.raftj.raft.RawNode;
import io.raftj.raft.ReadState;
import io.raftj.raft.Ready;
import io.raftj.raft.SnapOutOfDateException;
import io.raftj.raft.SnapshotStatus;
import io.raftj.raft.StateType;
import io.raftj.raft.StepPeerNotFoundException;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.ConfChangeI;
import io.raftj.raft.raftpb.ConfChangeV2;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.Message;
import io.raftj.raft.raftpb.Snapshot;
import io.raftj.storage.DurableStorage;
import io.raftj.storage.DurableStorageOptions;
import io.raftj.wal.CrashFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A {@link Member} made of the real {@link RawNode} over {@link DurableStorage} on a {@link
 * CrashFs}, with the synchronous Ready loop etcd's raftexample uses and a state machine that
 * records the client writes it applied. Confined to the world's thread.
 *
 * <p>A crash forgets everything but the file system's crash image; a restart reopens the data
 * directory from it, restores the state machine from the recovered snapshot, and lets Raft deliver
 * the committed entries after it again.
 */
public final class RawNodeMember implements Member {

  /** What a member needs besides its ID: Raft settings and storage settings. */
  public record Settings(
      int electionTick,
      int heartbeatTick,
      boolean checkQuorum,
      boolean preVote,
      boolean leaseReads,
      long snapshotEvery,
      DurableStorageOptions storage) {}

  private final long id;
  private final Settings settings;
  private final List<Peer> bootstrap;
  private final MemberListener listener;
  private final long randomSeed;
  private final Path dir;

  private CrashFs fs = new CrashFs();
  private DurableStorage storage;
  private RawNode node;
  private int starts;
  private boolean up;
  private long saving; // first entry index of the save under way, 0 if none

  // the state machine
  private long applied;
  private long lastSnapshot;
  private ConfState snapshotConf = ConfState.getDefaultInstance();
  private ConfState confState = ConfState.getDefaultInstance();
  private final List<Long> writes = new ArrayList<>();
  private final Set<Long> seen = new HashSet<>();

  // client operations waiting here
  private final Set<Long> proposed = new HashSet<>();
  private final List<long[]> readsAwaitingApply = new ArrayList<>(); // {opId, index}

  /**
   * A member with an empty disk. It bootstraps {@code bootstrap} on its first start, or, if that is
   * empty, starts with no configuration and waits to be added by a leader.
   */
  public RawNodeMember(
      long id, Settings settings, List<Peer> bootstrap, MemberListener listener, long randomSeed) {
    this.id = id;
    this.settings = settings;
    this.bootstrap = List.copyOf(bootstrap);
    this.listener = listener;
    this.randomSeed = randomSeed;
    this.dir = Path.of("/data", Long.toUnsignedString(id, 16));
    try {
      // the disk comes with a durable /data, as a mounted volume would
      fs.createDirectories(dir.getParent());
      fs.syncDir(dir.getRoot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public boolean isUp() {
    return up;
  }

  private void start() {
    try {
      storage = DurableStorage.open(dir, settings.storage().withFs(fs));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "member " + Long.toHexString(id) + " cannot recover its data directory", e);
    }
    writes.clear();
    seen.clear();
    Snapshot snap = storage.snapshotAtOpen();
    applied = storage.appliedIndex();
    lastSnapshot = applied;
    if (applied > 0) {
      restore(snap.getData());
    }
    confState = storage.memoryStorage().initialState().confState();
    snapshotConf = snap.getMetadata().getConfState();
    Config c =
        new Config()
            .setId(id)
            .setElectionTick(settings.electionTick())
            .setHeartbeatTick(settings.heartbeatTick())
            .setStorage(storage.memoryStorage())
            .setApplied(applied)
            .setMaxSizePerMsg(4096)
            .setMaxInflightMsgs(64)
            .setCheckQuorum(settings.checkQuorum())
            .setPreVote(settings.preVote())
            .setReadOnlyOption(
                settings.leaseReads()
                    ? io.raftj.raft.ReadOnlyOption.READ_ONLY_LEASE_BASED
                    : io.raftj.raft.ReadOnlyOption.READ_ONLY_SAFE)
            .setStepDownOnRemoval(true)
            .setLogger(RaftLogger.discard())
            .setRandom(new Random(randomSeed * 1_000_003L + starts++));
    node = new RawNode(c);
    if (!storage.isRestart() && !bootstrap.isEmpty()) {
      node.bootstrap(bootstrap);
    }
    up = true;
    listener.restarted(id, storage.hardStateAtOpen(), storage.memoryStorage());
    if (applied > 0) {
      listener.restored(id, snap.getMetadata(), List.copyOf(writes));
    }
  }

  private void restore(ByteString data) {
    writes.clear();
    seen.clear();
    for (long op : Ops.decodeWrites(data)) {
      writes.add(op);
      seen.add(op);
    }
  }

  @Override
  public void tick() {
    node.tick();
  }

  @Override
  public void deliver(Message m) {
    try {
      node.step(m);
    } catch (ProposalDroppedException e) {
      // a forwarded proposal the leader could not take: the client never hears back
    } catch (StepPeerNotFoundException e) {
      // a response from a member no longer (or not yet) in the configuration: hosts drop it
    }
  }

  @Override
  public boolean propose(long opId) {
    try {
      node.propose(Ops.writeData(opId));
      proposed.add(opId);
      return true;
    } catch (ProposalDroppedException e) {
      return false;
    }
  }

  @Override
  public void read(long opId) {
    node.readIndex(Ops.readContext(opId));
  }

  @Override
  public boolean proposeConfChange(ConfChangeI cc) {
    try {
      node.proposeConfChange(cc);
      return true;
    } catch (ProposalDroppedException e) {
      return false;
    }
  }

  @Override
  public void transferLeader(long transferee) {
    node.transferLeader(transferee);
  }

  @Override
  public void reportSnapshot(long to, boolean delivered) {
    node.reportSnapshot(
        to, delivered ? SnapshotStatus.SNAPSHOT_FINISH : SnapshotStatus.SNAPSHOT_FAILURE);
  }

  @Override
  public StateType role() {
    return node.basicStatus().raftState();
  }

  @Override
  public long term() {
    return node.basicStatus().term();
  }

  @Override
  public ConfState confState() {
    return confState;
  }

  @Override
  public long applied() {
    return applied;
  }

  /** The storage Raft reads: what this member has persisted. For checkers. */
  public io.raftj.raft.MemoryStorage log() {
    return storage.memoryStorage();
  }

  @Override
  public List<Message> process() {
    List<Message> out = new ArrayList<>();
    try {
      while (up && node.hasReady()) {
        Ready rd = node.ready();
        saving = rd.entries().isEmpty() ? 0 : rd.entries().get(0).getIndex();
        storage.save(rd.hardState(), rd.entries(), rd.snapshot());
        saving = 0;
        boolean hasSnap = rd.snapshot().getMetadata().getIndex() > 0;
        listener.persisted(
            id,
            rd.hardState(),
            rd.entries(),
            hasSnap ? rd.snapshot().getMetadata() : null,
            rd.mustSync());
        if (hasSnap) {
          restore(rd.snapshot().getData());
          applied = rd.snapshot().getMetadata().getIndex();
          lastSnapshot = applied;
          confState = rd.snapshot().getMetadata().getConfState();
          snapshotConf = confState;
          listener.restored(id, rd.snapshot().getMetadata(), List.copyOf(writes));
        }
        listener.sent(id, rd.messages());
        out.addAll(rd.messages());
        applyAll(rd.committedEntries());
        for (ReadState rs : rd.readStates()) {
          readsAwaitingApply.add(new long[] {Ops.readOp(rs.requestCtx()), rs.index()});
        }
        node.advance(rd);
        serveReads();
        maybeSnapshot();
      }
    } catch (IOException | RuntimeException e) {
      if (!fs.isDead()) {
        throw e instanceof RuntimeException
            ? (RuntimeException) e
            : new UncheckedIOException((IOException) e);
      }
      died(true);
    }
    return out;
  }

  private void applyAll(List<Entry> ents) throws InvalidProtocolBufferException {
    long term = node.basicStatus().term();
    for (int i = 0; i < ents.size(); i++) {
      Entry e = ents.get(i);
      if (e.getIndex() <= applied) {
        continue;
      }
      if (e.getType() == EntryType.EntryConfChange) {
        confState = node.applyConfChange(ConfChangeI.of(ConfChange.parseFrom(e.getData())));
      } else if (e.getType() == EntryType.EntryConfChangeV2) {
        confState = node.applyConfChange(ConfChangeI.of(ConfChangeV2.parseFrom(e.getData())));
      } else {
        long op = Ops.opOf(e.getData());
        if (op != 0 && seen.add(op)) {
          writes.add(op);
        }
        if (op != 0 && proposed.remove(op)) {
          listener.writeAcked(id, op, e.getIndex());
        }
      }
      applied = e.getIndex();
      listener.applied(id, term, e);
    }
  }

  private void serveReads() {
    for (Iterator<long[]> it = readsAwaitingApply.iterator(); it.hasNext(); ) {
      long[] r = it.next();
      if (applied >= r[1]) {
        it.remove();
        listener.readServed(id, r[0], applied);
      }
    }
  }

  private void maybeSnapshot() throws IOException {
    if (settings.snapshotEvery() <= 0 || applied == lastSnapshot) {
      return;
    }
    // A leader can only send the newest snapshot it has, and a member added after it was taken
    // refuses it (it is not in its ConfState); so snapshot after each configuration change too.
    if (applied - lastSnapshot < settings.snapshotEvery() && confState.equals(snapshotConf)) {
      return;
    }
    try {
      storage.snapshot(applied, confState, Ops.encodeWrites(writes));
    } catch (SnapOutOfDateException e) {
      return;
    }
    lastSnapshot = applied;
    snapshotConf = confState;
    listener.snapshotTaken(id, applied, List.copyOf(writes));
  }

  @Override
  public void crash(long crashSeed) {
    fs.crash(crashSeed);
    died(false);
  }

  @Override
  public void crashDuringWrites(int writes, long crashSeed) {
    fs.crashAfter(writes, crashSeed);
  }

  private void died(boolean midWrite) {
    long inflight = saving;
    saving = 0;
    fs = fs.crashedImage();
    try {
      storage
          .close(); // stops the WAL's file pipeline thread; the dead file system refuses the rest
    } catch (IOException | RuntimeException ignored) {
      // expected: the file system is gone
    }
    storage = null;
    node = null;
    up = false;
    proposed.clear();
    readsAwaitingApply.clear();
    listener.crashed(id, midWrite, inflight);
  }

  @Override
  public void close() {
    if (up) {
      try {
        storage.close(); // stops the WAL's file pipeline thread
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      up = false;
    }
  }

  @Override
  public void restart() {
    if (up) {
      throw new IllegalStateException("member " + Long.toHexString(id) + " is up");
    }
    start();
  }
}
