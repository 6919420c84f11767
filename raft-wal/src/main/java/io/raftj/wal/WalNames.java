package io.raftj.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segment names {@code %016x-%016x.wal} ({@code <seq>-<first index>.wal}) and the choice of
 * segments for a snapshot position. Mirrors etcd's {@code wal/util.go}.
 */
final class WalNames {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
  private static final Pattern NAME =
      Pattern.compile("([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16})\\.wal");

  private WalNames() {}

  /** A parsed segment name. */
  record Segment(long seq, long index) {}

  static String walName(long seq, long index) {
    return String.format("%016x-%016x.wal", seq, index);
  }

  /** Parses a segment name; null if it is not one. */
  static Segment parse(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return null;
    }
    long seq = Long.parseUnsignedLong(m.group(1), 16);
    long index = Long.parseUnsignedLong(m.group(2), 16);
    if (seq < 0 || index < 0) {
      return null; // beyond 2^63-1: not a name raftj can have written or can order
    }
    return new Segment(seq, index);
  }

  /** Whether {@code dir} holds any {@code *.wal} file. */
  static boolean exist(WalFs fs, Path dir) {
    try {
      for (String n : fs.list(dir)) {
        if (n.endsWith(".wal")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** The sorted segment names in {@code dir}, warning about foreign files. */
  static List<String> readWalNames(WalFs fs, Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (String n : fs.list(dir)) {
      if (parse(n) == null) {
        if (!n.endsWith(".tmp")) {
          LOG.warn("ignored file in WAL directory path={}", n);
        }
        continue;
      }
      names.add(n);
    }
    if (names.isEmpty()) {
      throw new WalFileNotFoundException("wal: file not found");
    }
    return names;
  }

  /** The position of the last segment whose first index is at most {@code index}; -1 if none. */
  static int searchIndex(List<String> names, long index) {
    for (int i = names.size() - 1; i >= 0; i--) {
      if (index >= parse(names.get(i)).index()) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the sequence numbers go up by exactly one from name to name. */
  static boolean isValidSeq(List<String> names) {
    long lastSeq = 0;
    for (String n : names) {
      long seq = parse(n).seq();
      if (lastSeq != 0 && lastSeq != seq - 1) {
        return false;
      }
      lastSeq = seq;
    }
    return true;
  }

  /** The segment names from the one holding {@code snapIndex} onwards. */
  static List<String> selectWalFiles(WalFs fs, Path dir, long snapIndex) throws IOException {
    List<String> names = readWalNames(fs, dir);
    int i = searchIndex(names, snapIndex);
    if (i < 0) {
      throw new WalFileNotFoundException(
          String.format("wal: file not found which matches the snapshot index '%d'", snapIndex));
    }
    List<String> selected = names.subList(i, names.size());
    if (!isValidSeq(selected)) {
      throw new WalFileNotFoundException(
          String.format(
              "wal: file sequence numbers (starting from %d) do not increase continuously", i));
    }
    return new ArrayList<>(selected);
  }
}
