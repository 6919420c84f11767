package io.raftj.raft;

import static io.raftj.raft.TestEntries.index;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftj.raft.internal.Invariants;
import io.raftj.raft.raftpb.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Broken invariants stop the core whatever the logger does with a panic line. */
final class InvariantsTest {

  @Test
  void panic_loggerThatThrows_returnsTheLoggersException() {
    RecordingRaftLogger throwing = new RecordingRaftLogger();
    IllegalStateException e = Invariants.panic(throwing, "index %d", 7L);
    assertThat(e).hasMessage("index 7");
    // Logged once, by the logger, which built the exception: no second one is made.
    assertThat(throwing.lines).containsExactly("PANIC index 7");
    assertThat(e.getStackTrace()[0].getClassName()).isEqualTo(RecordingRaftLogger.class.getName());
  }

  @Test
  void panic_loggerThatReturns_logsOnceAndReturnsTheFormattedText() {
    RecordingRaftLogger quiet = new RecordingRaftLogger(false);
    IllegalStateException e = Invariants.panic(quiet, "%x stepped empty MsgProp", 255L);
    assertThat(e).hasMessage("ff stepped empty MsgProp");
    assertThat(quiet.lines).containsExactly("PANIC ff stepped empty MsgProp");
  }

  @Test
  void maybeAppend_conflictAtCommittedIndex_loggerThatReturns_throwsAndKeepsTheLog() {
    RecordingRaftLogger quiet = new RecordingRaftLogger(false);
    RaftLog l = RaftLog.newLog(new MemoryStorage(quiet), quiet);
    l.append(index(1).terms(1, 2, 3));
    l.setCommitted(2);
    List<Entry> before = l.allEntries();

    // A leader's append that matches at index 1 and rewrites index 2 (committed) with term 4.
    LogSlice conflicting = new LogSlice(5, new EntryId(1, 1), index(2).terms(4, 4));
    assertThatThrownBy(() -> l.maybeAppend(conflicting, 3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("entry 2 conflict with committed entry [committed(2)]");

    assertThat(l.allEntries()).isEqualTo(before);
    assertThat(l.committed()).isEqualTo(2);
    assertThat(quiet.lines).contains("PANIC entry 2 conflict with committed entry [committed(2)]");
  }

  @Test
  void append_belowCommitted_loggerThatReturns_throwsAndKeepsTheLog() {
    RecordingRaftLogger quiet = new RecordingRaftLogger(false);
    RaftLog l = RaftLog.newLog(new MemoryStorage(quiet), quiet);
    l.append(index(1).terms(1, 2, 3));
    l.setCommitted(3);
    List<Entry> before = l.allEntries();

    assertThatThrownBy(() -> l.append(index(2).terms(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("after(1) is out of range [committed(3)]");

    assertThat(l.allEntries()).isEqualTo(before);
  }

  @Test
  void commitTo_beyondLastIndex_loggerThatReturns_throwsAndKeepsCommitted() {
    RecordingRaftLogger quiet = new RecordingRaftLogger(false);
    RaftLog l = RaftLog.newLog(new MemoryStorage(quiet), quiet);
    l.append(index(1).terms(1, 1));

    assertThatThrownBy(() -> l.commitTo(9)).isInstanceOf(IllegalStateException.class);

    assertThat(l.committed()).isZero();
  }

  @Test
  void memoryStorageAppend_withAGap_loggerThatReturns_throwsAndKeepsTheEntries() {
    RecordingRaftLogger quiet = new RecordingRaftLogger(false);
    MemoryStorage s = new MemoryStorage(quiet);
    s.append(index(1).terms(1, 1));

    assertThatThrownBy(() -> s.append(index(5).terms(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing log entry [last: 2, append at: 5]");

    assertThat(s.lastIndex()).isEqualTo(2);
  }
}
