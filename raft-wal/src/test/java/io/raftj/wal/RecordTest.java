package io.raftj.wal;

import static io.raftj.wal.WalTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.raftj.wal.walpb.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ports the intent of etcd's record_test.go, plus the frame encoding against protobuf. */
final class RecordTest {
  @TempDir Path tmp;

  static final byte[] INFO_DATA = {0x08, (byte) 0xef, (byte) 0xfd, 0x02};

  static byte[] infoRecord() {
    return Record.newBuilder()
        .setType(1)
        .setCrc(Castagnoli.update(0, INFO_DATA, 0, 4))
        .setData(ByteString.copyFrom(INFO_DATA))
        .build()
        .toByteArray();
  }

  /** An old-style unpadded frame: 8-byte length 14, then the 14-byte record. */
  static byte[] goodFrame() {
    byte[] rec = infoRecord();
    assertThat(rec).hasSize(14);
    byte[] f = new byte[8 + rec.length];
    f[0] = 0x0e;
    System.arraycopy(rec, 0, f, 8, rec.length);
    return f;
  }

  record Case(String name, byte[] data, Class<? extends Throwable> wantError) {
    @Override
    public String toString() {
      return name;
    }
  }

  @Test
  void readRecord() throws IOException {
    byte[] good = goodFrame();
    byte[] bad = good.clone();
    bad[good.length - 1] ^= 0x01; // corrupt the data's last byte
    List<Case> cases =
        List.of(
            new Case("good", good, null),
            new Case("empty", new byte[0], null),
            new Case("truncated header", Arrays.copyOf(good, 7), TornTailException.class),
            new Case("header only", Arrays.copyOf(good, 8), TornTailException.class),
            new Case(
                "truncated record", Arrays.copyOf(good, good.length - 8), TornTailException.class),
            new Case("corrupted", bad, CrcMismatchException.class));
    for (Case c : cases) {
      Path p = tmp.resolve(c.name().replace(' ', '_') + ".wal");
      Files.write(p, c.data());
      try (WalFs.WalFile f = NioWalFs.INSTANCE.open(p, false)) {
        Decoder d = new Decoder(List.of(f));
        if (c.wantError() != null) {
          assertThatThrownBy(d::decode).as(c.name()).isInstanceOf(c.wantError());
        } else if (c.data().length == 0) {
          assertThat(d.decode()).as(c.name()).isNull();
        } else {
          Decoder.Rec r = d.decode();
          assertThat(r.type).isEqualTo(1);
          assertThat(r.data()).isEqualTo(INFO_DATA);
          assertThat(d.decode()).isNull();
        }
      }
    }
  }

  @Test
  void writeRecord() throws IOException {
    Path p = tmp.resolve("w.wal");
    byte[] data = "Hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (WalFs.WalFile f = NioWalFs.INSTANCE.open(p, true)) {
      Encoder e = new Encoder(f, 0, 0);
      e.encode(2, data);
      e.encode(3, (byte[]) null);
      e.encode(2, new byte[0]);
      e.flush();
    }
    byte[] file = Files.readAllBytes(p);
    // Each frame is the protobuf encoding of the Record, padded to 8 bytes.
    int crc = Castagnoli.update(0, data, 0, data.length);
    byte[] rec1 =
        Record.newBuilder()
            .setType(2)
            .setCrc(crc)
            .setData(ByteString.copyFrom(data))
            .build()
            .toByteArray();
    assertThat(Arrays.copyOfRange(file, 8, 8 + rec1.length)).isEqualTo(rec1);
    int pad = (8 - rec1.length % 8) % 8;
    assertThat(file[7] & 0xff).isEqualTo(pad == 0 ? 0 : 0x80 | pad);
    int second = 8 + rec1.length + pad;
    byte[] rec2 = Record.newBuilder().setType(3).setCrc(crc).build().toByteArray();
    assertThat(Arrays.copyOfRange(file, second + 8, second + 8 + rec2.length)).isEqualTo(rec2);
    try (WalFs.WalFile f = NioWalFs.INSTANCE.open(p, false)) {
      Decoder d = new Decoder(List.of(f));
      assertThat(d.decode().data()).isEqualTo(data);
      Decoder.Rec r = d.decode();
      assertThat(r.type).isEqualTo(3);
      assertThat(r.hasData).isFalse();
      r = d.decode();
      assertThat(r.hasData).isTrue();
      assertThat(r.data()).isEmpty();
      assertThat(d.decode()).isNull();
    }
  }

  @Test
  void frameSize_paddingFlagInTopByte() {
    assertThat(hex("0e 00")).hasSize(2);
    for (int n = 0; n < 40; n++) {
      int pad = (8 - n % 8) % 8;
      assertThat((n + pad) % 8).isZero();
    }
  }
}
