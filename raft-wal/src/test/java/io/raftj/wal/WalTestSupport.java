package io.raftj.wal;

import com.google.protobuf.ByteString;
import io.raftj.raft.raftpb.ConfState;
import io.raftj.raft.raftpb.Entry;
import io.raftj.raft.raftpb.HardState;
import io.raftj.wal.walpb.Snapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builders shared by the WAL tests. */
final class WalTestSupport {
  static final WalOptions SMALL = WalOptions.DEFAULT.withSegmentSizeBytes(2048);
  static final Snapshot START = Snapshot.getDefaultInstance();

  private WalTestSupport() {}

  static Entry entry(long index, long term, String data) {
    Entry.Builder b = Entry.newBuilder().setIndex(index).setTerm(term);
    if (data != null) {
      b.setData(ByteString.copyFromUtf8(data));
    }
    return b.build();
  }

  static Entry entry(long index, long term, int size) {
    byte[] d = new byte[size];
    for (int i = 0; i < size; i++) {
      d[i] = (byte) ('a' + (index + i) % 26);
    }
    return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFrom(d)).build();
  }

  static HardState hs(long term, long vote, long commit) {
    return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
  }

  static Snapshot snap(long index, long term) {
    return Snapshot.newBuilder()
        .setIndex(index)
        .setTerm(term)
        .setConfState(ConfState.newBuilder().addVoters(1))
        .build();
  }

  static Snapshot at(long index, long term) {
    return Snapshot.newBuilder().setIndex(index).setTerm(term).build();
  }

  /** Entries 1..n, each in its own list, as etcd's makeEnts. */
  static List<List<Entry>> makeEnts(int n) {
    List<List<Entry>> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(List.of(Entry.newBuilder().setIndex(i).build()));
    }
    return out;
  }

  static List<String> walFiles(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (String n : NioWalFs.INSTANCE.list(dir)) {
      if (n.endsWith(".wal")) {
        names.add(n);
      }
    }
    return names;
  }

  static Path lastWal(Path dir) throws IOException {
    List<String> names = walFiles(dir);
    return dir.resolve(names.get(names.size() - 1));
  }

  static void truncate(Path p, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  static void writeAt(Path p, long pos, byte[] b) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.seek(pos);
      f.write(b);
    }
  }

  static byte[] read(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  static byte[] hex(String s) {
    String h = s.replaceAll("[^0-9a-fA-F]", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static WalContents readAllIgnoringSnapshot(Wal w) throws IOException {
    try {
      return w.readAll();
    } catch (SnapshotNotFoundException e) {
      return e.contents();
    }
  }
}
