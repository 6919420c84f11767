package io.raftj.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

final class CastagnoliTest {
  @Test
  void checkValues() {
    byte[] some = "somedata".getBytes(StandardCharsets.UTF_8);
    int c = Castagnoli.update(0, some, 0, some.length);
    assertThat(c).isEqualTo(0x741f6a05);
    byte[] snap = {0x08, 0x00, 0x10, 0x00};
    assertThat(Castagnoli.update(c, snap, 0, 4)).isEqualTo(0x18206d80);
    CRC32C seeded = Castagnoli.seeded(c);
    seeded.update(snap);
    assertThat((int) seeded.getValue()).isEqualTo(0x18206d80);
  }

  @Test
  void seeded_continuesAnyChain_likeTableAndJdk() {
    long seed = 20260101L;
    Random r = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      byte[] a = new byte[r.nextInt(64)];
      byte[] b = new byte[r.nextInt(300)];
      r.nextBytes(a);
      r.nextBytes(b);
      int prev = i % 7 == 0 ? r.nextInt() : Castagnoli.update(0, a, 0, a.length);
      CRC32C jdk = Castagnoli.seeded(prev);
      jdk.update(b);
      assertThat((int) jdk.getValue())
          .as("seed %d, case %d", seed, i)
          .isEqualTo(Castagnoli.update(prev, b, 0, b.length));
      if (i % 7 != 0) {
        CRC32C whole = new CRC32C();
        whole.update(a);
        whole.update(b);
        assertThat((int) whole.getValue())
            .as("seed %d, case %d", seed, i)
            .isEqualTo((int) jdk.getValue());
      }
    }
  }
}
