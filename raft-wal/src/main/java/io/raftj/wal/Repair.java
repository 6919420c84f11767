package io.raftj.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a torn tail off the last segment so the WAL reads to its end again, keeping a copy of the
 * damaged file as {@code <name>.broken}. Only the last segment and only a torn or truncated tail
 * are repaired; anything else is corruption and is left alone. Mirrors etcd's {@code
 * wal/repair.go}.
 */
final class Repair {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private Repair() {}

  static boolean repair(WalFs fs, Path dir) {
    try {
      return repairOrThrow(fs, dir);
    } catch (IOException e) {
      LOG.warn("failed to repair path={}", dir, e);
      return false;
    }
  }

  /**
   * {@link #repair} that throws when the repair itself fails (a full disk while the {@code .broken}
   * copy is written, say) instead of logging it.
   *
   * @return true if the WAL now reads to its end; false if the damage is not a torn tail
   * @throws IOException if opening, copying or truncating the segment failed
   */
  static boolean repairOrThrow(WalFs fs, Path dir) throws IOException {
    List<String> names = WalNames.readWalNames(fs, dir);
    WalFs.WalFile f =
        fs.openLocked(dir.resolve(names.get(names.size() - 1)), "WAL repair of " + dir);
    try (WalFs.WalFile file = f) {
      LOG.info("repairing path={}", file.path());
      Decoder d = new Decoder(List.of(file));
      while (true) {
        long lastOffset = d.lastOffset();
        try {
          Decoder.Rec rec = d.decode();
          if (rec == null) {
            LOG.info("repaired path={} error=EOF", file.path());
            return true;
          }
          if (rec.type == Wal.CRC_TYPE) {
            Wal.checkCrcRecord(d, rec);
          }
        } catch (TornTailException e) {
          backup(fs, file);
          file.truncate(lastOffset);
          file.force();
          LOG.info("repaired path={} error={}", file.path(), e.getMessage());
          return true;
        } catch (WalCorruptionException e) {
          LOG.warn("failed to repair path={}", file.path(), e); // not a torn tail
          return false;
        }
      }
    }
  }

  /** Copies the whole damaged segment to {@code <name>.broken}, replacing an older copy. */
  private static void backup(WalFs fs, WalFs.WalFile f) throws IOException {
    Path broken = f.path().resolveSibling(f.path().getFileName() + ".broken");
    try (WalFs.WalFile bf = fs.open(broken, true)) {
      bf.truncate(0);
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long pos = 0;
      while (true) {
        buf.clear();
        int n = f.read(buf, pos);
        if (n <= 0) {
          break;
        }
        buf.flip();
        bf.write(buf, pos);
        pos += n;
      }
      bf.force();
    }
    fs.syncDir(f.path().getParent());
  }
}
