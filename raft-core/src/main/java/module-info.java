/**
 * raftj's core: the Raft state machine ({@code RawNode}, {@code Node}), its protocol types, the
 * read-only views of a leader's progress and the interaction harness for users' own tests. Mirrors
 * etcd's {@code go.etcd.io/raft/v3}.
 *
 * <p>Exported: {@code io.raftj.raft}, {@code io.raftj.raft.raftpb}, {@code io.raftj.raft.tracker}
 * and {@code io.raftj.raft.rafttest}. The quorum, confchange and tracker bookkeeping and the shared
 * helpers in {@code io.raftj.raft.internal} are not part of the API.
 */
// The API speaks protobuf (Message, Entry, ByteString), slf4j (Slf4jRaftLogger) and JSpecify's
// @Nullable, so users read those modules too. protobuf-java is an automatic module
// (Automatic-Module-Name com.google.protobuf). "module": the qualified export names a module
// that is built after this one.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module io.raftj.raft {
  requires transitive com.google.protobuf;
  requires transitive org.slf4j;
  requires static transitive org.jspecify;

  exports io.raftj.raft;
  exports io.raftj.raft.raftpb;
  exports io.raftj.raft.tracker;
  exports io.raftj.raft.rafttest;
  // The simulation's trace prints delivered messages as the interaction harness does.
  exports io.raftj.raft.internal to
      io.raftj.simulation;

  uses io.raftj.raft.rafttest.ScriptKind;
}
