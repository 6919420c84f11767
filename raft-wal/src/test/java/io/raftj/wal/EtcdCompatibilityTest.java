package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import io.raftj.raft.raftpb.ConfChange;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.EntryType;
import io.raftj.raft.raftpb.HardState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the WAL a real etcd 3.4 server wrote (see the fixture's README). */
final class EtcdCompatibilityTest {
  static final String SEGMENT = "0000000000000000-0000000000000000.wal";

  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void copyFixture() throws IOException {
    dir = tmp.resolve("wal");
    Files.createDirectories(dir);
    try (InputStream in = getClass().getResourceAsStream("/etcd-3.4-wal/" + SEGMENT)) {
      Files.copy(in, dir.resolve(SEGMENT));
    }
  }

  @Test
  void readAll_returnsEtcdEntriesAndHardState() throws IOException {
    WalContents c;
    try (Wal w = Wal.openForRead(dir, START)) {
      c = w.readAll();
    }
    // metadata is etcdserverpb.Metadata{NodeID = 1, ClusterID = 2}
    CodedInputStream md = CodedInputStream.newInstance(c.metadata());
    assertThat(md.readTag()).isEqualTo(8);
    long nodeId = md.readUInt64();

    List<Entry> ents = c.entries();
    assertThat(ents).isNotEmpty();
    for (int i = 0; i < ents.size(); i++) {
      assertThat(ents.get(i).getIndex()).isEqualTo(i + 1);
    }
    // A new single-member cluster starts with the conf change adding itself.
    Entry first = ents.get(0);
    assertThat(first.getType()).isEqualTo(EntryType.EntryConfChange);
    ConfChange cc = ConfChange.parseFrom(first.getData());
    assertThat(cc.getNodeId()).isEqualTo(nodeId);

    String all = new String(concat(ents), StandardCharsets.ISO_8859_1);
    for (String s : new String[] {"key1", "value1", "key2", "value2", "key3", "value3"}) {
      assertThat(all).contains(s);
    }

    HardState st = c.state();
    assertThat(st.getTerm()).isGreaterThanOrEqualTo(2);
    assertThat(st.getVote()).isEqualTo(nodeId);
    assertThat(st.getCommit()).isBetween(ents.size() - 1L, (long) ents.size());
    assertThat(ents.get(ents.size() - 1).getTerm()).isEqualTo(st.getTerm());
  }

  @Test
  void verify_and_appendAfterEtcd() throws IOException {
    HardState st = Wal.verify(dir, START);
    long last;
    try (Wal w = Wal.open(dir, START)) {
      List<Entry> ents = w.readAll().entries();
      last = ents.get(ents.size() - 1).getIndex();
      w.save(
          st.toBuilder().setCommit(last + 1).build(),
          List.of(Entry.newBuilder().setTerm(st.getTerm()).setIndex(last + 1).build()));
    }
    try (Wal w = Wal.open(dir, START)) {
      WalContents c = w.readAll();
      assertThat(c.entries()).hasSize((int) last + 1);
      assertThat(c.state().getCommit()).isEqualTo(last + 1);
    }
  }

  private static byte[] concat(List<Entry> ents) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Entry e : ents) {
      out.writeBytes(e.getData().toByteArray());
    }
    return out.toByteArray();
  }
}
